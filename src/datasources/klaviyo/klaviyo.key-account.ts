/**
 * Which Klaviyo account the platform's private key belongs to, asked once per gateway lifetime
 * (GET /api/accounts allows 1/s and 15/min) and shared by every organization's data source. Forgotten
 * when Klaviyo rejects the key, so a rotated key is looked up again.
 */
export class KlaviyoKeyAccount {
  private id: string | undefined;
  private pending: Promise<string> | undefined;

  async accountId(fetch: () => Promise<string>): Promise<string> {
    if (this.id !== undefined) return this.id;
    this.pending ??= fetch()
      .then((id) => {
        this.id = id;
        return id;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  forget(): void {
    this.id = undefined;
  }
}
