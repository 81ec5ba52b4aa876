import { useId, useState, type FormEvent } from 'react';
import type { ConsoleProvidersQuery } from '../../gql/graphql';

type Field = ConsoleProvidersQuery['providers'][number]['accountFields'][number];

/** The server's rule, as it declares it: `pattern` matched case-insensitively against the trimmed value. */
export function fieldProblem(field: Field, value: string): string | undefined {
  let rule: RegExp;
  try {
    rule = new RegExp(field.pattern, 'i');
  } catch {
    return undefined; // a pattern this browser cannot compile: the server still validates
  }
  return rule.test(value.trim()) ? undefined : field.message;
}

/**
 * Asks for the provider's account identifier. A value that breaks the field's rule is refused
 * before any request, with the server's own message; the server's answer (e.g. the account is
 * connected elsewhere) stays beside the field until the user edits it.
 */
export function ConnectForm({
  providerName,
  fields,
  onConnect,
}: {
  providerName: string;
  fields: Field[];
  onConnect: (values: Record<string, string>) => Promise<string | undefined>;
}) {
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    for (const field of fields) {
      const problem = fieldProblem(field, values[field.name] ?? '');
      if (problem) found[field.name] = problem;
    }
    setProblems(found);
    setServerError('');
    if (Object.keys(found).length) return;
    setBusy(true);
    const trimmed = Object.fromEntries(fields.map((f) => [f.name, (values[f.name] ?? '').trim()]));
    const error = await onConnect(trimmed);
    setBusy(false);
    if (error) setServerError(error);
    else setValues({});
  }

  const serverErrorId = `${id}-server`;
  return (
    <form
      className="connect"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={`Connect ${providerName}`}
    >
      {fields.map((field, index) => {
        const inputId = `${id}-${field.name}`;
        const hintId = `${inputId}-hint`;
        const problemId = `${inputId}-problem`;
        const problem = problems[field.name];
        // The server's error belongs to the identifier: shown beside the (first) field.
        const showServer = index === 0 && serverError;
        const describedBy = [hintId, problem ? problemId : '', showServer ? serverErrorId : '']
          .filter(Boolean)
          .join(' ');
        return (
          <div className="field" key={field.name}>
            <label htmlFor={inputId}>{field.title}</label>
            <input
              id={inputId}
              name={field.name}
              value={values[field.name] ?? ''}
              placeholder={field.example}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={problem || showServer ? true : undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                setValues({ ...values, [field.name]: e.target.value });
                setProblems({ ...problems, [field.name]: '' });
                setServerError('');
              }}
            />
            <p className="hint" id={hintId}>
              {field.description} Example: <code>{field.example}</code>
            </p>
            {problem && (
              <p className="error" id={problemId} role="alert">
                {problem}
              </p>
            )}
            {showServer && (
              <p className="error" id={serverErrorId} role="alert">
                {serverError}
              </p>
            )}
          </div>
        );
      })}
      {fields.length === 0 && serverError && (
        <p className="error" id={serverErrorId} role="alert">
          {serverError}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Connecting…' : `Connect ${providerName}`}
      </button>
    </form>
  );
}
