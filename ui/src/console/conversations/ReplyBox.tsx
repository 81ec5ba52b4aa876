import { useId, useRef, useState, type FormEvent } from 'react';
import { describeError, request } from '../api/client';
import { newKey } from '../layout/time';
import { DRAFT, SEND } from './operations';

/**
 * The reply box: send (once per idempotency key: a retry after a lost answer sends nothing twice),
 * or let the AI draft a reply into the box for a person to edit and send.
 */
export function ReplyBox({ conversationId, onSent }: { conversationId: string; onSent: () => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<'' | 'send' | 'draft'>('');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  // One key per reply text: kept while the same text is retried, new once it is sent or edited.
  const key = useRef(newKey());

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy('send');
    setMessage(undefined);
    try {
      const { sendMessage } = await request(SEND, {
        input: { conversationId, content: { text: { body: text.trim() } }, idempotencyKey: key.current },
      });
      if (sendMessage.message.status === 'FAILED')
        setMessage({
          ok: false,
          text: `Not delivered: ${sendMessage.message.errorMessage ?? ''} (${sendMessage.message.errorCode ?? 'FAILED'})`,
        });
      else {
        setText('');
        key.current = newKey();
        setMessage({ ok: true, text: 'Sent.' });
      }
      onSent();
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
    setBusy('');
  }

  async function draft() {
    setBusy('draft');
    setMessage(undefined);
    try {
      const { draftReply } = await request(DRAFT, { id: conversationId });
      if (draftReply.handover || !draftReply.text)
        setMessage({
          ok: false,
          text: `The AI handed over to a person${draftReply.reason ? `: ${draftReply.reason}` : ''}. Write the reply yourself.`,
        });
      else {
        setText(draftReply.text);
        key.current = newKey();
        setMessage({ ok: true, text: 'AI draft ready: check it, edit it, then send.' });
      }
    } catch (e) {
      setMessage({ ok: false, text: describeError(e) });
    }
    setBusy('');
  }

  return (
    <form className="reply" onSubmit={(e) => void send(e)}>
      <label htmlFor={`${id}-reply`}>Reply</label>
      <textarea
        id={`${id}-reply`}
        rows={3}
        maxLength={2000}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          key.current = newKey();
        }}
        aria-describedby={message ? `${id}-message` : undefined}
      />
      <div className="actions">
        <button type="submit" disabled={busy !== '' || !text.trim()}>
          {busy === 'send' ? 'Sending…' : 'Send reply'}
        </button>
        <button type="button" className="secondary" disabled={busy !== ''} onClick={() => void draft()}>
          {busy === 'draft' ? 'Drafting…' : 'Draft with AI'}
        </button>
      </div>
      {message && (
        <p id={`${id}-message`} className={message.ok ? 'result ok' : 'result error'} role="status">
          {message.text}
        </p>
      )}
    </form>
  );
}
