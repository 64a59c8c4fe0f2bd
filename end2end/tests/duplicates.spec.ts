import { expect, request, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, login, open } from "./helpers";

test("a supervisor reviews a flagged pair in Arabic, marks it not a duplicate, and the order returns to the queue", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const stamp = Date.now();
  const phone = `0770${String(stamp % 1_000_000).padStart(6, "0")}`;
  const order = (reference: string) => ({
    reference,
    customer: { name: "Rania Kaci", phone, language: "ar" },
    delivery: { wilaya: 31, address: `Cité ${stamp % 1000} logements, Bir El Djir`, type: "home" },
    items: [{ sku: `DUP-${stamp}`, name: "Chaise haute", quantity: 1, unitPrice: 7600 }],
    total: 7600,
  });
  const first = await (await admin.post("/api/orders", { data: order(`E2E-DUP-${stamp}-A`) })).json();
  const second = await (await admin.post("/api/orders", { data: order(`E2E-DUP-${stamp}-B`) })).json();
  const held = await (await admin.get(`/api/customer-service/orders/${second.id}`)).json();
  expect(held.duplicateInfo.isDuplicate).toBe(true);
  expect(held.duplicateInfo.originalOrder).toBe(first.id);

  // Yacine Benali works in Arabic.
  await login(page, "yacine.benali@demo.ecomanager.dz", DEMO_PASSWORD);
  await open(page, "/duplicates");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("طلبات مكررة للمراجعة");
  const pair = page.locator(`[data-testid=duplicate-pair][data-order="${second.id}"]`);
  await expect(pair).toBeVisible();
  await expect(pair.locator("[data-side=later]")).toContainText(second.number);
  await expect(pair.locator("[data-side=original]")).toContainText(first.number);
  await expect(pair.getByTestId("evidence")).toBeVisible();
  await pair.getByRole("button", { name: "ليس مكررًا" }).click();
  await expect(pair).toHaveCount(0);

  // Released: no longer held, and it is back among the unassigned orders routing will place.
  const released = await (await admin.get(`/api/customer-service/orders/${second.id}`)).json();
  expect(released.duplicateInfo.isDuplicate).toBe(false);
  const pending = await (await admin.get("/api/customer-service/orders/pending?unassigned=true&limit=500")).json();
  expect(pending.map((o: { id: number }) => o.id)).toContain(second.id);
  noErrors();
});

test("a supervisor undoes a same-customer merge from the survivor's card, and the merged customer comes back", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const stamp = Date.now();
  const digits = String(stamp % 100_000).padStart(5, "0");
  const order = (reference: string, phone: string) => ({
    reference,
    customer: { name: "Samir Haddad", phone, language: "fr" },
    delivery: { wilaya: 16, address: `Lot ${stamp % 1000}, Draria`, type: "home" },
    items: [{ sku: `MRG-${stamp}`, name: "Lit parapluie", quantity: 1, unitPrice: 9900 }],
    total: 9900,
  });
  const first = await (await admin.post("/api/orders", { data: order(`E2E-MRG-${stamp}-A`, `0770${digits}1`) })).json();
  const second = await (await admin.post("/api/orders", { data: order(`E2E-MRG-${stamp}-B`, `0770${digits}2`) })).json();
  const survivor = (await (await admin.get(`/api/customer-service/orders/${first.id}`)).json()).customerId;
  const merged = (await (await admin.get(`/api/customer-service/orders/${second.id}`)).json()).customerId;
  const queue = await (await admin.get("/api/customer-service/duplicates")).json();
  const pair = queue.find((p: { order: { orderId: number } }) => p.order.orderId === second.id);
  expect(pair).toBeTruthy();
  const decided = await admin.post(`/api/customer-service/duplicates/${pair.id}/decision`, { data: { decision: "same_customer" } });
  expect(decided.status()).toBe(204);

  await login(page, ADMIN.email, ADMIN.password);
  await open(page, `/customers/${merged}`);
  await expect(page.getByTestId("customer-merged-into")).toContainText(`#${survivor}`);
  await open(page, `/customers/${survivor}`);
  const list = page.getByTestId("customer-merged");
  await expect(list).toContainText("Samir Haddad");
  await list.getByRole("button").click();
  await expect(list).toHaveCount(0);

  const back = await (await admin.get(`/api/customer-service/orders/${second.id}`)).json();
  expect(back.customerId).toBe(merged);
  const card = await (await admin.get(`/api/customer-service/customers/${merged}`)).json();
  expect(card.mergedInto).toBeUndefined();
  noErrors();
});
