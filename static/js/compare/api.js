// The compare page's requests: the main page's fetch wrapper, errors in the API's shape.
export { ApiError, postJson as post } from "../api.js";
