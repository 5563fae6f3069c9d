import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** A labelled field: its label, an optional hint, its error (tied to the input for screen readers). */
function FieldFrame(props: { id: string; label: string; hint?: string; error?: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

function described(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

export function TextField(props: {
  name: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string;
  error?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel';
  autoComplete?: string;
  required?: boolean;
}) {
  const id = `${props.name}-${useId()}`;
  return (
    <FieldFrame id={id} label={props.label} hint={props.hint} error={props.error}>
      <input
        id={id}
        name={props.name}
        type="text"
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        value={props.value}
        required={props.required ?? true}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described(id, props.hint, props.error)}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </FieldFrame>
  );
}

export function SelectField(props: { name: string; label: string; value: string; options: { value: string; label: string }[]; onChange: (value: string) => void; error?: string }) {
  const id = `${props.name}-${useId()}`;
  return (
    <FieldFrame id={id} label={props.label} error={props.error}>
      <select id={id} name={props.name} value={props.value} aria-invalid={props.error ? true : undefined} aria-describedby={described(id, undefined, props.error)} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export interface Choice {
  value: string;
  label: string;
  detail?: string;
  disabled?: boolean;
}

/** A group of radio cards (a method, a type): a fieldset with its legend, arrows move between them. */
export function ChoiceGroup(props: { name: string; legend: string; value: string; choices: Choice[]; onChange: (value: string) => void; error?: string }) {
  return (
    <fieldset class={`choices${props.error ? ' invalid' : ''}`}>
      <legend>{props.legend}</legend>
      {props.choices.map((c) => (
        <label key={c.value} class={`choice${c.disabled ? ' disabled' : ''}${props.value === c.value ? ' selected' : ''}`}>
          <input type="radio" name={props.name} value={c.value} checked={props.value === c.value} disabled={c.disabled} onChange={() => props.onChange(c.value)} />
          <span class="choice-label">{c.label}</span>
          {c.detail && <span class="choice-detail">{c.detail}</span>}
        </label>
      ))}
      {props.error && <p class="field-error">{props.error}</p>}
    </fieldset>
  );
}

/** A read-only list of what was entered (the confirmation step). */
export function Summary(props: { rows: [string, string][] }) {
  return (
    <dl class="summary">
      {props.rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
