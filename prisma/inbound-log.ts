// The inbound delivery log on the `inbound_event` table: the (source, external_id) primary key
// is the guard, so one INSERT wins however many deliveries race. Provider text is cleaned
// (core/text.ts) before it is stored or looked up: PostgreSQL refuses NUL and lone surrogates,
// and a delivery whose effect was applied must still be recorded.
import type { InboundLog } from '../core/ports/inbound.ts';
import { cleanJson, cleanText } from '../core/text.ts';
import type { PrismaClient } from './generated/client.ts';

export class PrismaInboundLog implements InboundLog {
  constructor(private readonly prisma: Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>) {}

  async claim(source: string, externalId: string, kind: string | null = null, payload?: unknown): Promise<boolean> {
    if (!source || !externalId) throw new RangeError('an inbound delivery needs a source and an external id');
    const rows = await this.prisma.$queryRawUnsafe<{ source: string }[]>(
      `INSERT INTO inbound_event (source, external_id, kind, payload) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (source, external_id) DO NOTHING
       RETURNING source`,
      cleanText(source),
      cleanText(externalId),
      kind === null ? null : cleanText(kind),
      payload === undefined ? null : JSON.stringify(cleanJson(payload)),
    );
    return rows.length > 0;
  }

  async seen(source: string, externalId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ n: number }[]>(
      'SELECT 1 AS n FROM inbound_event WHERE source = $1 AND external_id = $2',
      cleanText(source),
      cleanText(externalId),
    );
    return rows.length > 0;
  }

  async release(source: string, externalId: string): Promise<void> {
    await this.prisma.$executeRawUnsafe('DELETE FROM inbound_event WHERE source = $1 AND external_id = $2', cleanText(source), cleanText(externalId));
  }
}
