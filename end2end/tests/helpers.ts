import { expect, Page } from "@playwright/test";

export const ADMIN = { email: "admin@e2e.ecomanager.dz", password: "e2e-admin-password" };
export const DEMO_PASSWORD = "demo-password";

/** Opens a page and waits until the wasm has hydrated it. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await page.locator("body[data-hydrated]").waitFor();
}

/** Logs in through the French login form and waits for the home page. */
export async function login(page: Page, email: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL("/");
  await page.locator("body[data-hydrated]").waitFor();
}

/** Fails the test on any console error or failed request (a 404 asset, a panic). */
export function failOnConsoleErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return () => expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
}
