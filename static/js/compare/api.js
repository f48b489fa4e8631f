// POST wrappers for the compare page; errors come back in the API's error shape.

const BASE = (() => {
  try {
    return JSON.parse(document.getElementById("compare-data").textContent).api || "/api/v1";
  } catch {
    return "/api/v1";
  }
})();

export class ApiError extends Error {
  constructor(detail, status) {
    super(detail.message || `request failed (${status})`);
    this.detail = detail;
    this.status = status;
  }
}

export async function post(path, body, signal) {
  let res;
  try {
    res = await fetch(BASE + path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError({ type: "network_error", message: "The server could not be reached." }, 0);
  }
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  throw new ApiError(data?.error || { type: `http_${res.status}`, message: res.statusText }, res.status);
}
