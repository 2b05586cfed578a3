// A client-only SPA: the sync server serves the static build, and everything runs offline.
export const ssr = false;
export const prerender = false;
