import { Alert, Box, Button, Checkbox, Group, Modal, NativeSelect, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useContext, useEffect, useRef, useState } from 'react';
import { api } from './api';
import { ErrorAlert } from './components';
import { I18nContext, type Lang } from './i18n';
import { useSession } from './session';

/**
 * The login page's branding editor with a live preview (docs/branding.md "Live preview"), for an
 * application (its own branding, over the pool's) or for the pool (what every app inherits).
 *
 * The preview is the hosted login page itself, framed from Gatehouse's origin
 * (`/login/preview?app_id=…`, apps/login/src/preview.ts). While the administrator types, the
 * console asks the server for the page's configuration with the unsaved fields
 * (`POST /api/v3/preview-login-page`: the same checks and the same CSS sanitiser as a save,
 * nothing stored) and posts it to the frame — to this origin only, and it listens only to the
 * frame's own window from this origin. Only the fields the administrator changed are sent, so
 * "Save" keeps the rest inherited.
 */
export const PREVIEW_MESSAGE = 'gatehouse:login-preview';
export const PREVIEW_READY = 'gatehouse:login-preview-ready';

type Level = 'application' | 'pool';
interface Fields {
  logo: string;
  primaryColor: string;
  customBackground: string;
  customCSSEnabled: boolean;
  customCSS: string;
  showForgetPasswordButton: boolean;
  showSocialConnections: boolean;
  showEnterpriseConnections: boolean;
  defaultLanguage: string;
}
type Draft = Partial<Fields>;

const W: Record<string, Record<Lang, string>> = {
  titleApp: { en: 'Login page branding: {name}', 'zh-CN': '登录页品牌：{name}' },
  titlePool: { en: 'Login page of the user pool (inherited by every application)', 'zh-CN': '用户池登录页（所有应用继承）' },
  logo: { en: 'Logo (https URL or data: image)', 'zh-CN': 'Logo（https 地址或 data: 图片）' },
  primaryColor: { en: 'Primary colour', 'zh-CN': '主色' },
  background: { en: 'Background (colour or url(https://…))', 'zh-CN': '背景（颜色或 url(https://…)）' },
  cssEnabled: { en: 'Use custom CSS', 'zh-CN': '启用自定义 CSS' },
  css: { en: 'Custom CSS', 'zh-CN': '自定义 CSS' },
  forgot: { en: 'Show "Forgot password?"', 'zh-CN': '显示“忘记密码”' },
  social: { en: 'Show social sign-in', 'zh-CN': '显示社会化登录' },
  enterprise: { en: 'Show enterprise sign-in', 'zh-CN': '显示企业身份源登录' },
  language: { en: 'Default language', 'zh-CN': '默认语言' },
  inherit: { en: '(not set)', 'zh-CN': '（未设置）' },
  preview: { en: 'Login page preview', 'zh-CN': '登录页预览' },
  previewLead: { en: 'Unsaved changes show here at once; visitors see them after Save.', 'zh-CN': '未保存的修改会立即显示在这里；保存后访问者才能看到。' },
  previewError: { en: 'The preview was not updated', 'zh-CN': '预览未更新' },
  unsaved: { en: 'Unsaved changes', 'zh-CN': '有未保存的修改' },
  saved: { en: 'Saved. The login page shows it on the next page load.', 'zh-CN': '已保存，登录页下次加载时生效。' },
  save: { en: 'Save', 'zh-CN': '保存' },
  close: { en: 'Close', 'zh-CN': '关闭' },
  openApp: { en: 'Branding', 'zh-CN': '品牌' },
  openPool: { en: 'Pool login page', 'zh-CN': '用户池登录页' },
};

/** This editor's words (kept here, not in i18n.tsx, so the editor stays one file). */
export function useBrandingWord() {
  const { lang } = useContext(I18nContext);
  return (k: keyof typeof W, name = '') => W[k]![lang].replace('{name}', name);
}
const LANGUAGES = ['zh-CN', 'zh-TW', 'en-US', 'ja-JP'];

/**
 * The values the form starts from: what the page shows now (`effective`, the preview with no
 * draft, so inherited values show too) and the saved custom CSS of this level (the page only
 * ever gets its sanitised form).
 */
function savedFields(level: Level, data: Record<string, unknown> | undefined, effective: Record<string, unknown> | undefined): Fields {
  const b = ((data?.brandingConfig as Record<string, unknown> | undefined) ?? {}) as Partial<Record<keyof Fields, unknown>>;
  const e = effective ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    logo: str(e.logo ?? (level === 'pool' ? data?.logo : data?.appLogo)),
    primaryColor: str(e.primaryColor),
    customBackground: str(e.background),
    customCSSEnabled: b.customCSSEnabled === true,
    customCSS: str(b.customCSS),
    showForgetPasswordButton: e.showForgetPasswordButton !== false,
    showSocialConnections: e.showSocialConnections !== false,
    showEnterpriseConnections: e.showEnterpriseConnections !== false,
    defaultLanguage: str(e.defaultLanguage),
  };
}

/** The draft as the API takes it: `brandingConfig` fields and the logo (`appLogo` / `logo`). */
function draftBody(draft: Draft) {
  const { logo, ...rest } = draft;
  const brandingConfig = Object.fromEntries(Object.entries(rest).filter(([k, v]) => !(k === 'defaultLanguage' && v === '')));
  return { brandingConfig, logo };
}

export function BrandingEditor({ level, appId, appName, onClose }: { level: Level; appId: string; appName?: string; onClose: () => void }) {
  const w = useBrandingWord();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'branding', level, level === 'pool' ? '' : appId];
  const saved = useQuery({ queryKey: key, queryFn: (): Promise<Record<string, unknown> | null> => (level === 'pool' ? api.get<Record<string, unknown>>('get-login-page-config') : api.get('get-application', { appId })) });
  const effective = useQuery({ queryKey: [...key, 'effective'], queryFn: () => api.post<{ branding: Record<string, unknown> }>('preview-login-page', { appId, level }) });
  const [draft, setDraft] = useState<Draft>({});
  const [done, setDone] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(0);
  const [frameKey, setFrameKey] = useState(0);
  const values: Fields = { ...savedFields(level, saved.data ?? undefined, effective.data?.branding), ...draft };
  const change = <K extends keyof Fields>(k: K, v: Fields[K]) => {
    setDone(false);
    setDraft((d) => ({ ...d, [k]: v }));
  };

  // The frame says when it listens; only its own window, from this origin, is believed.
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== location.origin || !frame.current || e.source !== frame.current.contentWindow) return;
      if ((e.data as { type?: unknown } | null)?.type === PREVIEW_READY) setReady((n) => n + 1);
    };
    addEventListener('message', onMessage);
    return () => removeEventListener('message', onMessage);
  }, []);

  // Each change (debounced) → the server's preview of the config → the frame.
  const body = JSON.stringify(draftBody(draft));
  useEffect(() => {
    if (!ready) return;
    let stale = false;
    const timer = setTimeout(() => {
      const { brandingConfig, logo } = JSON.parse(body) as ReturnType<typeof draftBody>;
      api
        .post<Record<string, unknown>>('preview-login-page', { appId, level, brandingConfig, ...(logo === undefined ? {} : { logo }) })
        .then((config) => {
          if (stale) return;
          setPreviewError(null);
          frame.current?.contentWindow?.postMessage({ type: PREVIEW_MESSAGE, config }, location.origin);
        })
        .catch((err: unknown) => !stale && setPreviewError(err));
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [body, ready, appId, level]);

  const save = useMutation({
    mutationFn: () => {
      const { brandingConfig, logo } = draftBody(draft);
      return level === 'pool'
        ? api.post('update-login-page-config', { update: { brandingConfig, ...(logo === undefined ? {} : { logo }) } })
        : api.post('update-application', { appId, brandingConfig, ...(logo === undefined ? {} : { appLogo: logo }) });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: key });
      await qc.invalidateQueries({ queryKey: [pool, 'apps'] });
      setDraft({});
      setDone(true);
      // The frame now shows the saved page, as a visitor gets it.
      setReady(0);
      setFrameKey((n) => n + 1);
    },
  });
  const dirty = Object.keys(draft).length > 0;

  return (
    <Modal opened onClose={onClose} title={level === 'pool' ? w('titlePool') : w('titleApp', appName ?? appId)} size="90%" closeButtonProps={{ 'aria-label': w('close') }}>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack>
            <ErrorAlert error={saved.error ?? effective.error ?? save.error} />
            {done && (
              <Alert color="green" role="status">
                {w('saved')}
              </Alert>
            )}
            <TextInput label={w('logo')} value={values.logo} onChange={(e) => change('logo', e.currentTarget.value)} />
            <TextInput label={w('primaryColor')} placeholder="#1d4ed8" value={values.primaryColor} onChange={(e) => change('primaryColor', e.currentTarget.value)} />
            <TextInput label={w('background')} value={values.customBackground} onChange={(e) => change('customBackground', e.currentTarget.value)} />
            <Checkbox label={w('cssEnabled')} checked={values.customCSSEnabled} onChange={(e) => change('customCSSEnabled', e.currentTarget.checked)} />
            <Textarea label={w('css')} autosize minRows={4} maxRows={14} styles={{ input: { fontFamily: 'monospace' } }} value={values.customCSS} onChange={(e) => change('customCSS', e.currentTarget.value)} />
            <Checkbox label={w('forgot')} checked={values.showForgetPasswordButton} onChange={(e) => change('showForgetPasswordButton', e.currentTarget.checked)} />
            <Checkbox label={w('social')} checked={values.showSocialConnections} onChange={(e) => change('showSocialConnections', e.currentTarget.checked)} />
            <Checkbox label={w('enterprise')} checked={values.showEnterpriseConnections} onChange={(e) => change('showEnterpriseConnections', e.currentTarget.checked)} />
            <NativeSelect label={w('language')} value={values.defaultLanguage} data={[{ value: '', label: w('inherit') }, ...LANGUAGES.map((l) => ({ value: l, label: l }))]} onChange={(e) => change('defaultLanguage', e.currentTarget.value)} />
            <Group justify="space-between">
              <Text size="sm" aria-live="polite">
                {dirty ? w('unsaved') : ''}
              </Text>
              <Group>
                <Button variant="default" onClick={onClose}>
                  {w('close')}
                </Button>
                {!readOnly && (
                  <Button type="submit" loading={save.isPending} disabled={!dirty}>
                    {w('save')}
                  </Button>
                )}
              </Group>
            </Group>
          </Stack>
        </form>
        <Stack gap="xs">
          <Text size="sm">
            {w('previewLead')}
          </Text>
          {previewError ? (
            <Alert color="orange" title={w('previewError')} role="alert">
              {previewError instanceof Error ? previewError.message : String(previewError)}
            </Alert>
          ) : null}
          <Box style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, overflow: 'hidden' }}>
            <iframe key={frameKey} ref={frame} title={w('preview')} src={`/login/preview?app_id=${encodeURIComponent(appId)}`} style={{ width: '100%', height: 640, border: 0, display: 'block' }} />
          </Box>
        </Stack>
      </SimpleGrid>
    </Modal>
  );
}
