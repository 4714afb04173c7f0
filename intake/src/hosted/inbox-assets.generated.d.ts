/** The hosted inbox's files by path (made by tools/dev/build-hosted-assets.ts into the .js beside this file). */
export declare const inboxAssets: Record<string, { type: string; body: string }>;
