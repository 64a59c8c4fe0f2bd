import { expect, request, test } from "@playwright/test";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, orderFor, queueRow } from "./helpers";

// A second app instance: another server process on the same database as the one the other specs
// use.
const root = path.resolve(__dirname, "../..");
const serverBin = process.env.SERVER_BIN ?? path.join(root, "target/debug/server");
const dataDir = path.join(root, ".data/e2e");
const SECOND_PORT = Number(process.env.E2E_SECOND_PORT ?? 3101);
const second = `http://127.0.0.1:${SECOND_PORT}`;

async function startSecondInstance(): Promise<ChildProcess> {
  // the database the first instance uses: DATABASE_URL when the test run sets one, else the
  // private cluster under DATA_DIR (as `server` itself chooses)
  const url = process.env.DATABASE_URL ?? execFileSync(serverBin, ["db", "start", dataDir]).toString().trim();
  const child = spawn(serverBin, [], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      SCHEDULER: "false",
      SEED_DEMO: "false",
      LOGIN_MAX_FAILURES_PER_IP: "1000",
      LEPTOS_SITE_ADDR: `127.0.0.1:${SECOND_PORT}`,
      LEPTOS_SITE_ROOT: path.join(root, "target/site"),
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_OUTPUT_NAME: "ecomanager-cs",
      RUST_LOG: "warn",
    },
    // its output, for when this test fails
    stdio: ["ignore", fs.openSync(path.join(os.tmpdir(), "ecocs-second-instance.log"), "w"), "inherit"],
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${second}/ready`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGTERM");
  throw new Error("the second instance did not start");
}

test("an order assigned through one app instance appears in the queue of an agent connected to another", async ({ page, baseURL }) => {
  // starting a second server is part of this test
  test.setTimeout(120_000);
  const noErrors = failOnConsoleErrors(page);
  const child = await startSecondInstance();
  try {
    // the agent works on the second instance (logged in there: the session is the database's)
    const login = await page.request.post(`${second}/api/auth/login`, {
      data: { email: "abdelkader.saidi@demo.ecomanager.dz", password: DEMO_PASSWORD },
    });
    expect(login.status()).toBe(200);
    await page.goto(`${second}/queue`);
    await page.locator("body[data-hydrated]").waitFor();
    await expect(page.getByTestId("my-open")).toBeVisible();

    // the order comes in and is assigned through the first instance
    const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
    const order = await orderFor(admin, "abdelkader.saidi@demo.ecomanager.dz");
    await expect(queueRow(page, order.number)).toBeVisible();
    noErrors();
  } finally {
    child.kill("SIGTERM");
  }
});
