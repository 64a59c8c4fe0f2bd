import { defineConfig } from "@playwright/test";
import path from "node:path";

// The server binary built by `cargo leptos build` (scripts/test.sh passes SERVER_BIN), serving a
// fresh private database under .data/e2e on port 3100.
const root = path.resolve(__dirname, "..");
const serverBin = process.env.SERVER_BIN ?? path.join(root, "target/debug/server");
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = path.join(root, ".data/e2e");
export const ADMIN_EMAIL = "admin@e2e.ecomanager.dz";
export const ADMIN_PASSWORD = "e2e-admin-password";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "fr-FR",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `"${serverBin}" db stop "${dataDir}" >/dev/null 2>&1; rm -rf "${dataDir}"; exec "${serverBin}"`,
    url: `http://127.0.0.1:${port}/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATA_DIR: dataDir,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      SEED_DEMO: "true",
      // no background auto-assign: specs run in parallel and must not take each other's orders
      SCHEDULER: "false",
      // the mock SMS provider reports delivery quickly
      SMS_MOCK_DELIVERY_MS: "300",
      LOGIN_MAX_FAILURES_PER_IP: "1000",
      // plain HTTP on loopback
      COOKIE_SECURE: "false",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(root, "target/site"),
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_OUTPUT_NAME: "ecomanager-cs",
      RUST_LOG: "warn",
    },
  },
});
