import { defineComponent, h, onBeforeUnmount, onMounted, ref, type PropType } from 'vue';

/**
 * Vue 3 wrapper of <gatehouse-login>: props become attributes, the element's events are
 * re-emitted (`@login`, `@register`, `@error`, `@close`). Tell Vue's compiler that
 * `gatehouse-login` is a custom element (`compilerOptions.isCustomElement`) when you use the
 * tag directly instead of this component.
 */
export const GatehouseLogin = defineComponent({
  name: 'GatehouseLogin',
  props: {
    appId: { type: String, required: true },
    host: { type: String, required: true },
    mode: { type: String as PropType<'inline' | 'modal'>, default: 'inline' },
    lang: { type: String, default: undefined },
    scope: { type: String, default: undefined },
  },
  emits: ['login', 'register', 'error', 'close'],
  setup(props, { emit }) {
    const el = ref<HTMLElement | null>(null);
    const events = ['login', 'register', 'error', 'close'] as const;
    const listener = (e: Event) => emit(e.type as (typeof events)[number], (e as CustomEvent).detail);
    onMounted(() => events.forEach((n) => el.value?.addEventListener(n, listener)));
    onBeforeUnmount(() => events.forEach((n) => el.value?.removeEventListener(n, listener)));
    return () => h('gatehouse-login', { ref: el, 'app-id': props.appId, host: props.host, mode: props.mode, ...(props.lang ? { lang: props.lang } : {}), ...(props.scope ? { scope: props.scope } : {}) });
  },
});
