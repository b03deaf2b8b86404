/**
 * The HL7 benchmark's sender: a Node MLLP client that opens N connections and sends ADT^A28
 * messages, checking that each ACK answers its message in order (MSA-1 AA, MSA-2 = MSH-10).
 * `window` 1 is the classic HL7 sender (the next message leaves when the ACK of the previous one
 * has arrived); a larger window keeps that many messages in flight per connection.
 *
 * Run as a child process by infra/bench/hl7.ts (`fork`, JSON over IPC), so that the sender and
 * the gateway do not share one event loop: argument = JSON of {@link SendPlan}; it replies with a
 * {@link SendResult}.
 */
import { createConnection } from 'node:net';
import { encodeFrame, MllpDecoder } from '@rayon/hl7';

export interface SendPlan {
  port: number;
  connections: number;
  perConnection: number;
  /** Messages in flight per connection (1: each ACK awaited before the next message). */
  window: number;
  /** Makes the MSH-10s (and patient identifiers) of this run unique. */
  prefix: string;
}

export interface SendResult {
  messages: number;
  seconds: number;
  rate: number;
}

/** One ADT^A28 (a new patient) with MSH-10 and IPP `id`. */
export function adtA28(id: string): Buffer {
  return Buffer.from(
    `MSH|^~\\&|GAM|CHU-BENCH|RAYON|RADIO|20261121101010||ADT^A28^ADT_A05|${id}|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8\r` +
      `EVN||20261121101010\r` +
      `PID|1||${id}^^^CHU-BENCH&1.2.250.1.999.2&ISO^PI||NOËL^Gwénaëlle^Gwénaëlle Bénédicte^^^^L||19840229|F|||^^^^^^BDL^^29019|||||||||||||||||||||PROV\r`,
  );
}

/** MSA-1 and MSA-2 of an ACK (latin1 is enough: both are ASCII). */
function msaOf(ack: Buffer): [string, string] {
  const text = ack.toString('latin1');
  const at = text.indexOf('\rMSA|');
  if (at < 0) return ['', ''];
  const end = text.indexOf('\r', at + 1);
  const fields = text.slice(at + 1, end < 0 ? undefined : end).split('|');
  return [fields[1] ?? '', fields[2] ?? ''];
}

/** One connection: sends `ids` in order, `window` at most in flight; resolves when all are ACKed AA. */
function runConnection(port: number, ids: string[], window: number): Promise<void> {
  const frames = ids.map((id) => encodeFrame(adtA28(id)));
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const decoder = new MllpDecoder();
    let sent = 0;
    let acked = 0;
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(message));
    };
    const fill = () => {
      const batch: Buffer[] = [];
      while (sent < frames.length && sent - acked < window) batch.push(frames[sent++]!);
      if (batch.length === 1) socket.write(batch[0]!);
      else if (batch.length > 1) socket.write(Buffer.concat(batch));
    };
    socket.on('connect', fill);
    socket.on('data', (chunk) => {
      for (const e of decoder.push(chunk)) {
        if (e.type !== 'frame') continue;
        const [code, controlId] = msaOf(e.payload);
        const expected = ids[acked];
        if (controlId !== expected) return fail(`ACK for ${controlId} where ${expected} was expected`);
        if (code !== 'AA') return fail(`ACK ${code} for ${controlId}: ${e.payload.toString('utf8')}`);
        acked++;
      }
      if (acked === frames.length) {
        socket.end();
        resolve();
      } else fill();
    });
    socket.on('error', (err) => fail(`connection error: ${err.message}`));
    socket.on('close', () => {
      if (acked < frames.length) fail(`connection closed after ${acked} of ${frames.length} ACKs`);
    });
  });
}

export async function send(plan: SendPlan): Promise<SendResult> {
  const runs = Array.from({ length: plan.connections }, (_, c) =>
    Array.from({ length: plan.perConnection }, (_, i) => `${plan.prefix}-${c}-${i}`),
  );
  const started = performance.now();
  await Promise.all(runs.map((ids) => runConnection(plan.port, ids, plan.window)));
  const seconds = (performance.now() - started) / 1000;
  const messages = plan.connections * plan.perConnection;
  return { messages, seconds, rate: messages / seconds };
}

// As a child process: one plan per message from the parent, one result back.
if (process.send) {
  process.on('message', (plan: SendPlan) => {
    send(plan).then(
      (result) => process.send!({ result }),
      (err: Error) => process.send!({ error: err.message }),
    );
  });
}
