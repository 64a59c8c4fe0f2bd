import { expect, request, test } from "@playwright/test";
import { ADMIN, apiAs, failOnConsoleErrors, login, open, orderFor } from "./helpers";

const KARIM = "karim.haddad@demo.ecomanager.dz";

test("the courier's report of a fake order shows on the customer's card and makes the customer bad", async ({ page, baseURL, playwright }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(playwright.request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, KARIM);
  const view = await (await admin.get(`/api/customer-service/orders/${order.id}`)).json();
  const confirmed = await admin.post(`/api/customer-service/orders/${order.id}/confirm-attempt`, {
    data: { method: "phone", result: "confirmed", notes: "", duration: 40, version: view.version },
  });
  expect(confirmed.ok()).toBeTruthy();

  // the courier's own token, allowed to report deliveries and nothing else
  const users = await (await admin.get("/api/users")).json();
  const me = users.find((u: { email: string }) => u.email === ADMIN.email);
  const issued = await admin.post("/api/tokens", { data: { userId: me.id, name: `Livreur ${Date.now()}`, scopes: ["deliveries:write"] } });
  expect(issued.status()).toBe(201);
  const courier = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${(await issued.json()).token}` } });
  const delivered = await courier.post(`/api/orders/${order.number}/delivery`, { data: { eventId: `e2e-${order.id}-1`, outcome: "delivered" } });
  expect(delivered.status()).toBe(201);
  const back = await courier.post(`/api/orders/${order.number}/delivery`, {
    data: { eventId: `e2e-${order.id}-2`, outcome: "returned", reason: "fake_order", note: "le client nie avoir commandé" },
  });
  expect(back.status()).toBe(201);

  await login(page, ADMIN.email, ADMIN.password);
  await open(page, `/customers/${view.customerId}`);
  await expect(page.getByTestId("counter-delivered")).toContainText("0");
  await expect(page.getByTestId("counter-returned")).toContainText("1");
  await expect(page.getByText("Fausses commandes (livreur)")).toBeVisible();
  await expect(page.getByTestId("customer-class")).toHaveAttribute("data-class", "bad");
  await page.locator("details.breakdown summary").click();
  await expect(page.getByTestId("score-breakdown")).toContainText("Fausses commandes signalées par le livreur");
  await courier.dispose();
  await admin.dispose();
  noErrors();
});
