// Reads a file uploaded in the dependency-import form: files.info gives Slack's private URL for
// it, downloaded with the bot token. Sizes are bounded before and after the download.
import type { App } from '@slack/bolt';
import { DomainError } from '../../core/errors.ts';
import { MAX_MANIFEST_CHARS } from '../../core/use-cases/import-dependencies.ts';

/** The uploaded file's name and text; refusals say to upload again or paste the contents. */
export async function downloadFile(client: App['client'], token: string | undefined, fileId: string): Promise<{ name: string; text: string }> {
  const info = await client.files.info({ token, file: fileId });
  const file = info.file as { name?: string; size?: number; url_private_download?: string; url_private?: string } | undefined;
  const url = file?.url_private_download ?? file?.url_private;
  if (!file || !url) throw new DomainError('invalid_manifest', 'The uploaded file could not be read; upload it again, or paste its contents.', { fileId });
  if ((file.size ?? 0) > MAX_MANIFEST_CHARS) {
    throw new DomainError('invalid_manifest', `The file is too large (${file.size} bytes); upload one manifest of at most ${MAX_MANIFEST_CHARS} bytes.`, { max: MAX_MANIFEST_CHARS });
  }
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'error' });
  if (!res.ok) throw new DomainError('invalid_manifest', 'The uploaded file could not be downloaded from Slack; upload it again, or paste its contents.', { status: res.status });
  const text = await res.text();
  if (text.length > MAX_MANIFEST_CHARS) throw new DomainError('invalid_manifest', `The file is too large; upload one manifest of at most ${MAX_MANIFEST_CHARS} characters.`, { max: MAX_MANIFEST_CHARS });
  return { name: file.name ?? 'upload', text };
}
