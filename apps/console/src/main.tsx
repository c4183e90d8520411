import '@mantine/core/styles.css';
import './styles.css';
import { Alert, Button, Center, Loader, MantineProvider, Stack, createTheme, localStorageColorSchemeManager } from '@mantine/core';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, setApiLang, setApiPool, setOnSessionEnded } from './api';
import { clearSession, currentSession, finishSignIn, loadConfig, signOut, startSignIn, type ConsoleConfig } from './auth';
import { I18nContext, initialLang, translate, type Lang } from './i18n';
import { SessionContext, type Me } from './session';
import { Shell } from './shell';

// Shade 8 of indigo keeps white button text above WCAG's 4.5:1 (shade 6, the default, is below it).
const theme = createTheme({ primaryColor: 'indigo', primaryShade: 8, defaultRadius: 'md' });
const colorSchemeManager = localStorageColorSchemeManager({ key: 'gatehouse.console.color-scheme' });
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

/**
 * Boot: read the console's client configuration, finish a returning sign-in (/console/callback)
 * or start one when there is no session, then load who is signed in and which pools they see.
 */
function Root() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const setLang = (l: Lang) => {
    localStorage.setItem('gatehouse.console.lang', l);
    setApiLang(l);
    document.documentElement.lang = l;
    setLangState(l);
  };
  useEffect(() => {
    setApiLang(lang);
    document.documentElement.lang = lang;
    (async () => {
      const cfg = await loadConfig();
      setConfig(cfg);
      setOnSessionEnded(() => {
        clearSession();
        void startSignIn(cfg, location.pathname);
      });
      if (location.pathname === '/console/callback') {
        const to = await finishSignIn(cfg);
        history.replaceState(null, '', to);
      } else if (!currentSession()) {
        await startSignIn(cfg, location.pathname + location.search);
      }
      setReady(true);
    })().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  const i18n = useMemo(() => ({ lang, setLang }), [lang]);
  return (
    <I18nContext.Provider value={i18n}>
      {error ? (
        <Center h="100vh">
          <Stack>
            <Alert color="red" title={translate(lang, 'signin.failed')} role="alert">
              {error}
            </Alert>
            {config && <Button onClick={() => void startSignIn(config, '/console/')}>{translate(lang, 'signin.again')}</Button>}
          </Stack>
        </Center>
      ) : ready && config ? (
        <Console config={config} />
      ) : (
        <Center h="100vh">
          <Loader aria-label={translate(lang, 'signin.progress')} />
        </Center>
      )}
    </I18nContext.Provider>
  );
}

function Console({ config }: { config: ConsoleConfig }) {
  const [pool, setPool] = useState(() => sessionStorage.getItem('gatehouse.console.pool') ?? '');
  setApiPool(pool);
  const me = useQuery({ queryKey: ['me', pool], queryFn: () => api.get<Me>('console/me') });
  if (me.error) return <Alert color="red" role="alert" m="md">{me.error.message}</Alert>;
  if (!me.data) return <Center h="100vh"><Loader /></Center>;
  const current = pool || me.data.currentPoolId;
  setApiPool(current);
  const changePool = (p: string) => {
    sessionStorage.setItem('gatehouse.console.pool', p);
    setApiPool(p);
    setPool(p);
  };
  return (
    <SessionContext.Provider value={{ me: me.data, pool: current, readOnly: me.data.role === 'auditor' }}>
      <Shell onPoolChange={changePool} onSignOut={() => signOut(config)} />
    </SessionContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <Root />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
