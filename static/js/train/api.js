// POST /api/v1/train with stream: true, read as NDJSON: onLine(obj) per line.
// An HTTP error (400/422) rejects with the server's {type, message, line, col}.

export class ApiError extends Error {
  constructor(body) {
    super(body.message);
    this.body = body;
  }
}

export async function streamTrain(body, onLine, path = "/api/v1/train") {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true }),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError(data.error ?? { type: "error", message: `HTTP ${response.status}` });
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let last = null; // "done" or "error": told only once the response has ended
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, cut).trim();
      buffer = buffer.slice(cut + 1);
      if (!line) continue;
      const obj = JSON.parse(line);
      if (obj.type === "done" || obj.type === "error") last = obj;
      else onLine(obj);
    }
  }
  if (last) onLine(last);
}

/** The whole run in one answer, replayed as the lines a stream would give. */
export async function fetchTrain(body, onLine) {
  const response = await fetch("/api/v1/train", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new ApiError(data.error ?? { type: "error", message: `HTTP ${response.status}` });
  const { history, ...rest } = data;
  onLine({ type: "progress", history });
  onLine({ type: "done", ...rest });
}

export async function cancelRun(path) {
  await fetch(path, { method: "POST" });
}

export async function deepGradients(activation, init) {
  const q = new URLSearchParams({ activation, init, depth: "15" });
  const response = await fetch(`/api/v1/gradients/deep?${q}`);
  if (!response.ok) throw new ApiError({ type: "error", message: `HTTP ${response.status}` });
  return response.json();
}
