import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, failOnConsoleErrors, login } from "./helpers";

test("a supervisor imports a CSV file and reads what was rejected and why", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  const run = Date.now();
  const csv =
    "référence;nom;téléphone;wilaya;commune;adresse;produit;quantité;prix\n" +
    `IMP-${run}-1;Sara Cherif;0770 11 22 33;31;;Cité El Badr;Lit parapluie;1;11000\n` +
    `IMP-${run}-2;Ali;12345;16;;;Couches;1;2200\n` +
    `IMP-${run}-3;Lina;0661 00 00 01;16;;;Biberon;-2;950\n`;
  await login(page, "amina.belkacem@demo.ecomanager.dz", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Import" }).click();
  await page.getByLabel("Fichier CSV").setInputFiles({ name: "boutique.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Importer" }).click();

  await page.waitForURL(/\/imports\/\d+$/);
  const summary = page.getByTestId("import-summary");
  await expect(summary).toHaveAttribute("data-state", "done");
  await expect(summary.getByTestId("created")).toHaveText("1");
  await expect(summary.getByTestId("rejected")).toHaveText("2");
  const rejections = page.getByTestId("rejections");
  await expect(rejections.locator("tr[data-code=phone_invalid]")).toContainText("Numéro de téléphone invalide.");
  await expect(rejections.locator("tr[data-code=quantity_invalid]")).toContainText("4");
  noErrors();
});

test("a file without the required columns is refused with the column named", async ({ page }) => {
  await login(page, "amina.belkacem@demo.ecomanager.dz", DEMO_PASSWORD);
  await page.goto("/imports");
  await page.getByLabel("Fichier CSV").setInputFiles({ name: "x.csv", mimeType: "text/csv", buffer: Buffer.from("nom;téléphone\nA;0555\n") });
  await page.getByRole("button", { name: "Importer" }).click();
  await page.waitForURL(/\/imports\?error=csv_column_missing/);
  await expect(page.getByRole("alert")).toContainText("Une colonne obligatoire manque");
});
