// Fetch wrappers for the chainrule API, and the same request as curl or Python.

const BASE = readBase();

function readBase() {
  try {
    return JSON.parse(document.getElementById("initial-state").textContent).api || "/api/v1";
  } catch {
    return "/api/v1";
  }
}

export class ApiError extends Error {
  constructor(detail, status) {
    super(detail.message || `request failed (${status})`);
    this.detail = { type: "error", ...detail };
    this.status = status;
  }
}

async function call(path, init) {
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (err) {
    if (err.name === "AbortError") throw err; // the caller cancelled: not a failure to report
    throw new ApiError({ type: "network_error", message: "The server could not be reached." }, 0);
  }
  const body = await res.json().catch(() => null);
  if (res.ok) return body;
  if (body && body.error) throw new ApiError(body.error, res.status);
  const msg = res.status === 413 ? "The program is too large." : body?.detail ? JSON.stringify(body.detail) : res.statusText;
  throw new ApiError({ type: `http_${res.status}`, message: msg }, res.status);
}

export function fetchExamples() {
  return call("/examples");
}

export function requestBody(program, values, check) {
  const body = { program };
  if (values && Object.keys(values).length) body.values = values;
  if (check) body.check = true;
  return body;
}

/** POST a JSON body to an API path; errors come back in the API's error shape. */
export function postJson(path, body, signal) {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

export function postGraph(body, signal) {
  return postJson("/graphs", body, signal);
}

function endpoint() {
  return new URL(BASE + "/graphs", window.location.href).href;
}

/** The request as a shell command; single quotes survive any program text. */
export function asCurl(body) {
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `curl -sS -X POST ${q(endpoint())} \\\n  -H 'content-type: application/json' \\\n  -d ${q(JSON.stringify(body))}`;
}

/** The request as a Python script using httpx. JSON strings are valid Python strings. */
export function asPython(body) {
  const lit = (v) => (v === true ? "True" : v === false ? "False" : JSON.stringify(v));
  const fields = Object.entries(body).map(([k, v]) => `    ${JSON.stringify(k)}: ${lit(v)},`);
  return [
    "import httpx",
    "",
    "payload = {",
    ...fields,
    "}",
    `response = httpx.post(${JSON.stringify(endpoint())}, json=payload, timeout=30)`,
    "response.raise_for_status()",
    "trace = response.json()",
    'print(trace["gradients"])',
    "",
  ].join("\n");
}
