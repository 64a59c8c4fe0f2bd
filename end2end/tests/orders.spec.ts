import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, failOnConsoleErrors, login } from "./helpers";

test("a supervisor filters unassigned orders and assigns two of them at once", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await login(page, "amina.belkacem@demo.ecomanager.dz", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Commandes" }).click();
  await page.getByLabel("Non attribuées seulement").check();
  await page.getByRole("button", { name: "Filtrer" }).click();
  await page.waitForURL(/unassigned=1/);
  const rows = page.locator("[data-testid=orders-table] tbody tr");
  await expect(rows.first()).toContainText("Non attribuée");
  const ids = [await rows.nth(0).getAttribute("data-order"), await rows.nth(1).getAttribute("data-order")];
  await rows.nth(0).getByRole("checkbox").check();
  await rows.nth(1).getByRole("checkbox").check();
  await expect(page.getByTestId("selected-count")).toHaveText("2 sélectionnées");
  await page.locator("#bulk-agent").selectOption({ label: "Lina Cherif" });
  await page.getByTestId("bulk-assign").click();
  await expect(page.getByRole("status")).toHaveText("2 commandes attribuées.");
  // Assigned orders leave the "unassigned" view.
  for (const id of ids) {
    await expect(page.locator(`[data-testid=orders-table] tr[data-order="${id}"]`)).toHaveCount(0);
  }
  noErrors();
});
