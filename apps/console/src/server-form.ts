import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';

/**
 * A form's editable copy of data loaded from the server.
 *
 * The form takes the server's copy when it arrives, and takes a newer one (a refetch) only while
 * it holds exactly what it last took or last saved. A save invalidates its query, and the refetch
 * lands a moment after "Saved." shows: taking it unconditionally overwrote whatever the user had
 * typed in between, without a word (the console test that types right after a save caught it).
 * What this does not do: merge. A form edited since its last save keeps the user's values even
 * when someone else changed the same settings meanwhile; the next save sends the user's changes
 * against the latest server copy, and a reload shows the rest.
 *
 * `from` turns the server data into the form's state (called only when the form takes a copy).
 * `saved(state)` is for the mutation's onSuccess, with the state that was sent.
 */
export function useServerForm<D, F>(data: D | undefined, from: (d: D) => F): { form: F | null; setForm: Dispatch<SetStateAction<F | null>>; saved: (state: F) => void } {
  const [form, setForm] = useState<F | null>(null);
  // The state the form last took from the server or last saved: while `form` is this very
  // object, nothing was edited since.
  const clean = useRef<F | null>(null);
  const toForm = useRef(from);
  toForm.current = from;
  useEffect(() => {
    if (data === undefined) return;
    if (form !== null && form !== clean.current) return;
    const next = toForm.current(data);
    clean.current = next;
    setForm(next);
    // Only a new server copy is a reason to look again; `form` is read as it is now.
  }, [data]);
  return {
    form,
    setForm,
    saved: (state) => {
      clean.current = state;
    },
  };
}
