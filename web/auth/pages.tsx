// The pages of sign-in itself: what went wrong and what to do next (a link to try again), server
// rendered in the site's layout, without JavaScript, light and dark. Everything typed here is
// escaped by preact.
import { MessagePage, renderPage } from '../pages/layout.tsx';

export interface AuthPageAction {
  href: string;
  label: string;
}

/** A page that says what went wrong at sign-in and offers the way on. */
export function authPage({ title, message, detail, action }: { title: string; message: string; detail?: string; action?: AuthPageAction }): string {
  return renderPage(
    <MessagePage title={title} link={action ? { href: action.href, text: action.label } : null}>
      <p>{message}</p>
      {detail ? <p class="muted">{detail}</p> : null}
      <p class="muted">
        <a href="/">Back to the home page</a>
      </p>
    </MessagePage>,
  );
}

/** The answer to a form whose CSRF token is missing or wrong. */
export function csrfRefusedPage(message: string): string {
  return authPage({ title: 'This form could not be sent', message, action: { href: '/', label: 'Go to the home page' } });
}
