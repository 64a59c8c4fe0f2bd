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

/** An API client logged in as `email` (its own cookie jar, separate from any page). */
export async function apiAs(playwright: typeof import("@playwright/test").request, baseURL: string, email: string, password: string) {
  const api = await playwright.newContext({ baseURL });
  const response = await api.post("/api/auth/login", { data: { email, password } });
  expect(response.status()).toBe(200);
  return api;
}

let orderCounter = 0;

/** A fresh order through the shop API, assigned to the agent with `agentEmail`. Returns its id and number. */
export async function orderFor(admin: import("@playwright/test").APIRequestContext, agentEmail: string) {
  orderCounter += 1;
  const reference = `E2E-${Date.now()}-${orderCounter}`;
  const phone = `0550${String(Date.now() % 1_000_000).padStart(6, "0")}`;
  // A different person each time (name, address, product): duplicate detection must leave these alone.
  const first = ["Yacine", "Amina", "Karim", "Nour", "Sofiane", "Lina", "Walid", "Sarah", "Mehdi", "Imane"];
  const last = ["Benali", "Haddad", "Meziane", "Bouzid", "Cherif", "Saidi", "Toumi", "Rahmani", "Zerrouki", "Ouali"];
  const n = Date.now() + orderCounter * 7919;
  const price = 1000 + (n % 400) * 50;
  const name = `${first[n % 10]} ${last[Math.floor(n / 10) % 10]}`;
  const created = await admin.post("/api/orders", {
    data: {
      reference,
      customer: { name, phone, language: "ar-DZ" },
      delivery: { wilaya: 16, commune: "Bab El Oued", address: `${n % 997} rue n° ${orderCounter}`, type: "home" },
      items: [{ sku: `E2E-${n}`, name: `Article ${n % 10000}`, quantity: 1, unitPrice: price }],
      total: price,
      priority: "urgent",
    },
  });
  expect(created.status()).toBe(201);
  const order = await created.json();
  const users = await (await admin.get("/api/users")).json();
  const agent = users.find((u: { email: string }) => u.email === agentEmail);
  const assigned = await admin.post(`/api/customer-service/orders/${order.id}/assign`, { data: { agentId: agent.id } });
  expect(assigned.status()).toBe(200);
  return { id: order.id as number, number: order.number as string, name };
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The agent's queue row of an order: a button named by the order number first. */
export function queueRow(page: Page, number: string) {
  return page.getByRole("button", { name: new RegExp(`^${escapeRegExp(number)}(?!\\d)`) });
}

/** The order panel, an article named by its heading ("Commande <number> <status>"). */
export function orderPanel(page: Page, number: string) {
  return page.getByRole("article", { name: new RegExp(`${escapeRegExp(number)}(?!\\d)`) });
}
