import { createElement, useEffect, useRef, type CSSProperties } from 'react';

/**
 * React wrapper of <gatehouse-login>: props become attributes, `on*` props listen to the
 * element's events. Load the element once (`import '@gatehouse/login-element'` or a script tag
 * with `<host>/login/element/gatehouse-login.js`).
 */
export interface GatehouseLoginProps {
  appId: string;
  host: string;
  mode?: 'inline' | 'modal';
  lang?: 'en' | 'zh-CN' | 'zh-TW' | 'ja';
  scope?: string;
  className?: string;
  style?: CSSProperties;
  onLogin?: (detail: { tokens: Record<string, unknown>; userId: string }) => void;
  onRegister?: (detail: { tokens: Record<string, unknown>; userId: string }) => void;
  onError?: (detail: { code: string; message: string }) => void;
  onClose?: () => void;
}

export function GatehouseLogin(props: GatehouseLoginProps) {
  const ref = useRef<HTMLElement>(null);
  const handlers = useRef(props);
  handlers.current = props;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const map: Array<[string, keyof GatehouseLoginProps]> = [
      ['login', 'onLogin'],
      ['register', 'onRegister'],
      ['error', 'onError'],
      ['close', 'onClose'],
    ];
    const listeners = map.map(([event, prop]) => {
      const l = (e: Event) => (handlers.current[prop] as ((d: unknown) => void) | undefined)?.((e as CustomEvent).detail);
      el.addEventListener(event, l);
      return [event, l] as const;
    });
    return () => listeners.forEach(([event, l]) => el.removeEventListener(event, l));
  }, []);
  return createElement('gatehouse-login', {
    ref,
    'app-id': props.appId,
    host: props.host,
    ...(props.mode ? { mode: props.mode } : {}),
    ...(props.lang ? { lang: props.lang } : {}),
    ...(props.scope ? { scope: props.scope } : {}),
    ...(props.className ? { class: props.className } : {}),
    ...(props.style ? { style: props.style } : {}),
  });
}
