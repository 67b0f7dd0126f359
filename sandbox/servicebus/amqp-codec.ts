import { randomBytes } from 'node:crypto';
import rhea from 'rhea';
import type { Message, Typed } from 'rhea';

// rhea's typings omit the outcome factories that its message module really exports.
interface OutcomeFactories {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): { described(): unknown };
}
const outcomeFactories = rhea.message as unknown as OutcomeFactories;

/** Message format of a Service Bus batch transfer: the body is N data sections, each a whole encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/** Encodes a message the way rhea would put it in a transfer. */
export function encodeMessage(message: Message): Buffer {
  return rhea.message.encode(message);
}

/** Decodes one encoded AMQP message. */
export function decodeMessage(buffer: Buffer): Message {
  // rhea types decode's result as its looser message type; it is the same object shape.
  return rhea.message.decode(buffer) as unknown as Message;
}

/** Splits a batch payload (format {@link BATCH_MESSAGE_FORMAT}) into its inner messages. */
export function decodeBatch(payload: Buffer): Message[] {
  const envelope = rhea.message.decode(payload);
  const body: unknown = envelope.body;
  if (!isDataSection(body)) throw new Error('batch body is not made of data sections');
  // A one-message batch decodes as a single section whose content is one Buffer, not an array.
  const parts = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
  return parts.map((part) => decodeMessage(part));
}

function isDataSection(body: unknown): body is { typecode: number; content: unknown; multiple?: boolean } {
  return typeof body === 'object' && body !== null && (body as { typecode?: unknown }).typecode === 0x75;
}

/** An AMQP long (sequence numbers must be longs, not uints, or the client misreads them). */
export function wrapLong(value: number): Typed {
  return rhea.types.wrap_long(value);
}

/** An AMQP int (status codes and message state). */
export function wrapInt(value: number): Typed {
  return rhea.types.wrap_int(value);
}

/** An AMQP uuid from 16 bytes in RFC order. */
export function wrapUuid(bytes: Buffer): Typed {
  return rhea.types.wrap_uuid(bytes);
}

/** An AMQP array of longs (`sequence-numbers` in management replies). */
export function longArray(values: number[]): Typed {
  return rhea.types.wrap_array(values, 0x81, undefined);
}

/** An AMQP array of timestamps (`expirations` in renew-lock replies). */
export function timestampArray(epochMs: number[]): Typed {
  return rhea.types.wrap_array(epochMs, 0x83, undefined);
}

/**
 * A .NET `DateTime` tick count as an AMQP long. The session receiver reads `com.microsoft:locked-until-utc`
 * with `Long.fromBytesBE`, so it must be a long of ticks and never a timestamp.
 */
export function dotnetTicks(epochMs: number): Typed {
  const ticks = (BigInt(Math.trunc(epochMs)) + 62_135_596_800_000n) * 10_000n;
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(ticks);
  return rhea.types.wrap_long(bytes);
}

/** Reads an AMQP long that rhea decoded either as a number or, beyond 2^53, as 8 big-endian bytes. */
export function readLong(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  throw new TypeError(`expected an AMQP long, got ${typeof value}`);
}

/** A fresh lock token: 16 random bytes in RFC order and their canonical string. */
export function newLockToken(): { token: string; bytes: Buffer } {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return { token: uuidToString(bytes), bytes };
}

/**
 * The delivery tag for a lock token. The client turns the tag back into the token by swapping bytes into .NET
 * GUID order, so the tag has to be pre-swapped ([3,2,1,0][5,4][7,6], rest unchanged).
 */
export function deliveryTagFor(lockTokenBytes: Buffer): Buffer {
  const b = lockTokenBytes;
  return Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8, 16)]);
}

/** The canonical lowercase string of a 16-byte uuid. */
export function uuidToString(bytes: Buffer): string {
  return rhea.uuid_to_string(bytes);
}

/** Reads a uuid that may arrive as 16 bytes or as a string. */
export function readUuid(value: unknown): string {
  if (Buffer.isBuffer(value) && value.length === 16) return uuidToString(value);
  if (typeof value === 'string') return value.toLowerCase();
  throw new TypeError('expected an AMQP uuid');
}

/** The `accepted` outcome, ready for `delivery.update`. */
export function acceptedOutcome(): unknown {
  return outcomeFactories.accepted().described();
}

/** A `rejected` outcome carrying an AMQP error, ready for `delivery.update`. */
export function rejectedOutcome(error: { condition: string; description: string }): unknown {
  return outcomeFactories.rejected({ error }).described();
}
