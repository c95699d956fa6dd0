/**
 * A kafkajs client whose connections to the real broker the test can cut at one exact request,
 * through kafkajs's `socketFactory`: the way to put a broker failure between a transaction's last
 * produce and its EndTxn, which stopping the broker cannot time.
 */
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './kafka.js';

/** Kafka protocol API keys the tests cut on. */
export const ApiKey = { Produce: 0, EndTxn: 26, TxnOffsetCommit: 28 } as const;

/**
 * - `drop-request`: the connection closes instead of sending the request: the broker never sees it.
 * - `lose-reply`: the request is sent, its reply never read, and the connection closes 1 s later:
 *   the broker acted on it, the client only learns that the connection failed.
 */
export type Cut = 'drop-request' | 'lose-reply';

export class CuttableKafka {
  readonly kafka: Kafka;
  private armed: { apiKey: number; cut: Cut; done: () => void } | undefined;

  constructor(clientId: string) {
    this.kafka = new Kafka({
      clientId,
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
      socketFactory: ({ host, port, onConnect }) => this.connect(host, port, onConnect),
    });
  }

  /** The next request with `apiKey` on any connection fails as `cut` says; resolves once it did. */
  arm(apiKey: number, cut: Cut): Promise<void> {
    return new Promise((done) => {
      this.armed = { apiKey, cut, done };
    });
  }

  private connect(host: string, port: number, onConnect: () => void): net.Socket {
    const socket = net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const cutting = (chunk: unknown, ...rest: unknown[]): boolean => {
      const armed = this.armed;
      // A request is one buffer: size (int32), api key (int16), version, correlation id, ...
      if (!armed || !Buffer.isBuffer(chunk) || chunk.length < 6 || chunk.readInt16BE(4) !== armed.apiKey) return write(chunk, ...rest);
      this.armed = undefined;
      if (armed.cut === 'drop-request') {
        socket.destroy(new Error('connection cut by the test before the request'));
        armed.done();
        return false;
      }
      socket.pause(); // the reply stays unread
      const written = write(chunk, ...rest);
      setTimeout(() => {
        socket.destroy(new Error('connection cut by the test after the request'));
        armed.done();
      }, 1_000);
      return written;
    };
    socket.write = cutting as typeof socket.write;
    return socket;
  }
}
