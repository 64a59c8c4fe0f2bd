import { expect, request, test } from "@playwright/test";
import { ADMIN, failOnConsoleErrors, login } from "./helpers";

test("an admin issues a shop token that only posts orders, sees it used, and revokes it", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  await login(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "Jetons d'API" }).click();
  await expect(page.getByRole("heading", { name: "Jetons d'API", level: 1 })).toBeVisible();

  // A new name each run: the test never depends on what an earlier run left behind.
  const name = `Boutique ${Date.now()}`;
  await page.getByLabel("Nom", { exact: true }).fill(name);
  const admin = await page.getByLabel("Agit pour").locator("option", { hasText: ADMIN.email }).getAttribute("value");
  await page.getByLabel("Agit pour").selectOption(admin!);
  await page.getByLabel("Durée de validité (jours)").fill("30");
  // "send orders" is ticked by default; ask for reports too, then change our mind
  await page.getByLabel("Lire les rapports").check();
  await page.getByLabel("Lire les rapports").uncheck();
  await page.getByRole("button", { name: "Créer le jeton" }).click();
  const issued = page.getByTestId("token-issued");
  await expect(issued).toContainText("il ne sera plus jamais affiché");
  const token = (await issued.locator("code").innerText()).trim();
  expect(token).toMatch(/^ecs_/);
  const row = page.locator(`tr[data-token="${name}"]`);
  await expect(row).toContainText("Envoyer des commandes");
  await expect(row).not.toContainText("Lire les rapports");
  await expect(row).toContainText("jamais");
  await expect(row).toContainText("Actif");

  // the shop posts an order with it, and can read nothing
  const shop = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const reference = `TOKEN-${Date.now()}`;
  const created = await shop.post("/api/orders", {
    data: {
      reference,
      customer: { name: "Samir Boudiaf", phone: "0661 23 45 67", language: "fr" },
      delivery: { wilaya: 16, address: "12 rue Didouche Mourad", type: "home" },
      items: [{ sku: "TOK-1", name: "Lampe", quantity: 1, unitPrice: 2500 }],
      total: 2500,
    },
  });
  expect(created.status()).toBe(201);
  const pending = await shop.get("/api/customer-service/orders/pending");
  expect(pending.status()).toBe(403);
  expect((await pending.json()).code).toBe("token_scope");

  // the list shows its use; revoked, it stops at once
  await page.reload();
  await expect(row).not.toContainText("jamais");
  await row.getByRole("button", { name: "Révoquer" }).click();
  await expect(row).toContainText("Révoqué");
  await expect(row.getByRole("button", { name: "Révoquer" })).toHaveCount(0);
  const after = await shop.post("/api/orders", { data: {} });
  expect(after.status()).toBe(401);
  await shop.dispose();
  noErrors();
});
