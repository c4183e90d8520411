import { MultiSelect, NumberInput, PasswordInput, Select, Stack, Switch, TextInput, Textarea } from '@mantine/core';
import { useT } from './i18n';

/**
 * A form generated from a connector manifest's `configSchema` (JSON Schema, as TypeBox emits
 * it): the same schema the server validates the saved config with, so the form cannot drift
 * from the API. Strings, numbers, booleans and string arrays get their own inputs, a field with a
 * fixed set of values (an `enum`, or TypeBox's union of literals: `anyOf` of `const`s) a select;
 * anything else is edited as JSON. Secret fields are write-only: left empty, the stored value is kept.
 */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

export type FormValues = Record<string, unknown>;

/** The values an enum-like field allows: `enum`, or `anyOf`/`oneOf` made only of `const`s (`Type.Union([Type.Literal(…)…])`); null otherwise. */
export function enumChoices(s: JsonSchema | undefined): unknown[] | null {
  if (!s) return null;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum;
  const alts = s.anyOf ?? s.oneOf;
  if (alts && alts.length > 0 && alts.every((a) => 'const' in a)) return alts.map((a) => a.const);
  return null;
}

export function SchemaForm({ schema, secretFields, hidden, values, onChange }: { schema: JsonSchema; secretFields: string[]; hidden: string[]; values: FormValues; onChange: (v: FormValues) => void }) {
  const props = Object.entries(schema.properties ?? {}).filter(([k]) => !hidden.includes(k));
  const t = useT();
  const set = (k: string, v: unknown) => onChange({ ...values, [k]: v });
  return (
    <Stack gap="sm">
      {props.map(([key, s]) => {
        const required = (schema.required ?? []).includes(key) && s.default === undefined;
        const common = { label: key, description: s.description, required: required && !secretFields.includes(key) };
        const v = values[key];
        if (secretFields.includes(key)) return <PasswordInput key={key} {...common} value={typeof v === 'string' ? v : ''} onChange={(e) => set(key, e.currentTarget.value)} autoComplete="new-password" visibilityToggleButtonProps={{ 'aria-label': `${t('form.toggleSecret')} ${key}` }} />;
        const choices = enumChoices(s);
        if (choices) {
          // The value sent is the schema's own constant (a number stays a number).
          const data = choices.map((c) => ({ value: String(c), label: String(c) }));
          const shown = v !== undefined ? String(v) : s.default !== undefined ? String(s.default) : null;
          return <Select key={key} {...common} data={data} value={shown} clearable={!common.required} allowDeselect={!common.required} onChange={(x) => set(key, x === null ? undefined : choices.find((c) => String(c) === x))} />;
        }
        const itemChoices = s.type === 'array' ? enumChoices(s.items) : null;
        if (itemChoices) {
          const shown = Array.isArray(v) ? v : Array.isArray(s.default) ? s.default : [];
          return <MultiSelect key={key} {...common} data={itemChoices.map((c) => ({ value: String(c), label: String(c) }))} value={shown.map(String)} onChange={(xs) => set(key, xs.map((x) => itemChoices.find((c) => String(c) === x)))} />;
        }
        if (s.type === 'boolean') return <Switch key={key} label={key} description={s.description} checked={v === undefined ? s.default === true : v === true} onChange={(e) => set(key, e.currentTarget.checked)} />;
        if (s.type === 'integer' || s.type === 'number') return <NumberInput key={key} {...common} min={s.minimum} max={s.maximum} value={typeof v === 'number' ? v : typeof s.default === 'number' ? s.default : ''} onChange={(n) => set(key, typeof n === 'number' ? n : undefined)} />;
        // Long strings (PEM certificates, keys, metadata XML) keep their line breaks.
        if (s.type === 'string' && (s.maxLength ?? 0) > 4096) return <Textarea key={key} {...common} autosize minRows={2} maxRows={10} value={typeof v === 'string' ? v : ''} onChange={(e) => set(key, e.currentTarget.value)} />;
        if (s.type === 'string') return <TextInput key={key} {...common} value={typeof v === 'string' ? v : ''} placeholder={typeof s.default === 'string' ? s.default : undefined} onChange={(e) => set(key, e.currentTarget.value)} />;
        if (s.type === 'array' && s.items?.type === 'string')
          return <Textarea key={key} {...common} autosize value={Array.isArray(v) ? v.join('\n') : Array.isArray(s.default) ? s.default.join('\n') : ''} onChange={(e) => set(key, e.currentTarget.value.split('\n').map((x) => x.trim()).filter(Boolean))} />;
        return <Textarea key={key} {...common} autosize value={v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v)} onChange={(e) => set(key, e.currentTarget.value)} />;
      })}
    </Stack>
  );
}

/** The config to send: empty strings and untouched secrets left out (the server keeps stored secrets), JSON fields parsed. */
export function configToSend(schema: JsonSchema, values: FormValues): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === '' || v === undefined) continue;
    const s = schema.properties?.[k];
    if (s && typeof v === 'string' && s.type !== 'string' && !(s.type === undefined && s.anyOf)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // Left as typed: the server's validation message names the field.
      }
    }
    out[k] = v;
  }
  return out;
}
