export interface DownloadResult {
  bytes: number;
  /** Why the download failed, or null. A failure is counted, never thrown away. */
  error: string | null;
}

/** Reads a response to the end, counting bytes as they arrive. */
export async function fetchCounting(url: string): Promise<DownloadResult> {
  let bytes = 0;
  try {
    const response = await fetch(url);
    if (response.body !== null) {
      for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
    }
    return { bytes, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { bytes, error: cause?.code ?? cause?.message ?? String(error) };
  }
}
