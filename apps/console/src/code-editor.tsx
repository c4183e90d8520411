import { Input } from '@mantine/core';
import { useId } from 'react';

/**
 * A JavaScript editor with syntax highlighting for user scripts, without an editor dependency:
 * the real input is a plain `<textarea>` (its text transparent, its caret visible), laid exactly
 * over a `<pre>` that shows the same text coloured. Screen readers, the keyboard, selection,
 * undo and the browser's own text handling all stay the textarea's; the `<pre>` is
 * `aria-hidden`. Both grow with the text (no inner scrolling), so they never drift apart.
 * The tokenizer is a display aid only: the server compiles the source and reports its errors.
 */
const TOKEN = /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?|`(?:[^`\\]|\\[\s\S])*`?)|\b(\d+(?:\.\d+)?)\b|\b(async|await|break|case|catch|class|const|continue|default|delete|do|else|export|false|finally|for|function|if|import|in|instanceof|let|new|null|of|return|switch|this|throw|true|try|typeof|undefined|var|void|while|yield)\b/g;
const KIND = ['comment', 'string', 'number', 'keyword'] as const;

export function highlight(source: string): Array<{ text: string; kind?: (typeof KIND)[number] }> {
  const out: Array<{ text: string; kind?: (typeof KIND)[number] }> = [];
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    if (m.index > last) out.push({ text: source.slice(last, m.index) });
    const group = m.slice(1).findIndex((g) => g !== undefined);
    out.push({ text: m[0], kind: KIND[group] });
    last = m.index + m[0].length;
  }
  if (last < source.length) out.push({ text: source.slice(last) });
  return out;
}

export function CodeEditor({ label, value, onChange, required, minRows = 10, readOnly }: { label: string; value: string; onChange?: (v: string) => void; required?: boolean; minRows?: number; readOnly?: boolean }) {
  const id = useId();
  const rows = Math.max(minRows, value.split('\n').length + 1);
  return (
    <Input.Wrapper label={label} required={required} labelElement="label" id={id}>
      <div className="gh-code" style={{ ['--rows' as string]: rows }}>
        <pre aria-hidden="true">
          {highlight(value).map((p, i) => (p.kind ? <span key={i} className={`gh-code-${p.kind}`}>{p.text}</span> : p.text))}
          {'\n'}
        </pre>
        <textarea id={id} value={value} rows={rows} spellCheck={false} autoCapitalize="off" autoComplete="off" wrap="off" required={required} readOnly={readOnly} onChange={(e) => onChange?.(e.currentTarget.value)} />
      </div>
    </Input.Wrapper>
  );
}
