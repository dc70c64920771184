/**
 * Keeps a value loaded from a file current while the process runs, so updated GeoIP databases and
 * Tor lists take effect without a restart. The file is polled (stat: mtime, size, inode) rather than
 * watched with fs.watch: updaters such as geoipupdate replace the file by rename, which an inode
 * watch misses, and polling behaves the same on every filesystem. A change is acted on once the
 * file has stopped changing for the debounce period, so a file being copied in place is not read
 * half-written. A reload that fails leaves the previous value in service and is reported.
 */
import { stat } from 'node:fs/promises';

export interface Loaded<T> {
  readonly value: T;
  /** What kind of file this is, e.g. the MaxMind database_type. */
  readonly type: string;
  /** When the data was built: the database's build epoch, or the file's mtime where it has none. */
  readonly buildDate: Date;
  readonly ipVersion: 4 | 6 | null;
}

export interface WatchOptions {
  readonly enabled: boolean;
  readonly pollIntervalMs: number;
  readonly debounceMs: number;
}

export interface WatchedFileEvents {
  /** After a reload has put the new value in service. */
  readonly onReload?: (path: string) => void;
  /** A reload or a poll failed; the previous value stays in service. */
  readonly onError?: (error: Error, path: string) => void;
}

export class WatchedFile<T> {
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private seenSignature: string | undefined;
  private polling = false;
  private reloading = false;
  private closed = false;
  private missingReported = false;

  private constructor(
    readonly path: string,
    private loaded: Loaded<T>,
    private loadedAtMs: number,
    private readonly load: (path: string) => Promise<Loaded<T>>,
    private readonly watch: WatchOptions,
    private readonly events: WatchedFileEvents,
  ) {}

  /** Loads the file once (throwing if that fails) and starts watching it if enabled. */
  static async open<T>(
    path: string,
    load: (path: string) => Promise<Loaded<T>>,
    watch: WatchOptions,
    events: WatchedFileEvents = {},
  ): Promise<WatchedFile<T>> {
    const signature = await fileSignature(path);
    const loaded = await load(path);
    const file = new WatchedFile(path, loaded, Date.now(), load, watch, events);
    file.seenSignature = signature;
    if (watch.enabled) {
      file.timer = setInterval(() => void file.poll(), watch.pollIntervalMs);
      file.timer.unref();
    }
    return file;
  }

  get value(): T {
    return this.loaded.value;
  }

  get info(): Loaded<T> {
    return this.loaded;
  }

  get loadedAt(): Date {
    return new Date(this.loadedAtMs);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const signature = await fileSignature(this.path);
      this.missingReported = false;
      if (signature !== this.seenSignature) {
        this.seenSignature = signature;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), this.watch.debounceMs);
        this.debounce.unref();
      }
    } catch (e) {
      // A missing file is reported once, not on every poll; the old value stays in service.
      if (!this.missingReported) {
        this.missingReported = true;
        this.report(e);
      }
    } finally {
      this.polling = false;
    }
  }

  private async reload(): Promise<void> {
    if (this.closed) return;
    if (this.reloading) {
      // A change arrived while loading: look again once the current load is done.
      this.debounce = setTimeout(() => void this.reload(), this.watch.debounceMs);
      this.debounce.unref();
      return;
    }
    this.reloading = true;
    try {
      const loaded = await this.load(this.path);
      if (this.closed) return;
      this.loaded = loaded;
      this.loadedAtMs = Date.now();
      this.events.onReload?.(this.path);
    } catch (e) {
      this.report(e);
    } finally {
      this.reloading = false;
    }
  }

  private report(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    if (this.events.onError) this.events.onError(error, this.path);
  }
}

async function fileSignature(path: string): Promise<string> {
  const s = await stat(path, { bigint: true });
  return `${s.mtimeNs}:${s.size}:${s.ino}`;
}
