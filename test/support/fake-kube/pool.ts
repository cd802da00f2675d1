import { FakeKubeServer } from './server';

/**
 * A few fake API servers, each lent to one run at a time, so that a test file can run helm commands side by side
 * (most of a command's time is its process start and its waits, not CPU) without two runs sharing a cluster.
 */
export class FakeKubePool {
  private readonly idle: FakeKubeServer[] = [];
  private readonly all: FakeKubeServer[] = [];
  private readonly waiting: ((server: FakeKubeServer) => void)[] = [];

  static async start(size: number): Promise<FakeKubePool> {
    const pool = new FakeKubePool();
    for (let index = 0; index < size; index++) {
      const server = await FakeKubeServer.start();
      pool.all.push(server);
      pool.idle.push(server);
    }
    return pool;
  }

  /** Runs `use` with a server of its own, waiting for one to be free. */
  async use<T>(use: (server: FakeKubeServer) => Promise<T>): Promise<T> {
    const server = this.idle.pop() ?? (await new Promise<FakeKubeServer>((resolve) => this.waiting.push(resolve)));
    try {
      return await use(server);
    } finally {
      const next = this.waiting.shift();
      if (next) next(server);
      else this.idle.push(server);
    }
  }

  async close(): Promise<void> {
    for (const server of this.all) await server.close();
  }
}
