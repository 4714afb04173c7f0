/** The hosted inbox's files, path → text (made by tools/dev/build-hosted-assets.ts into the .js beside this file). */
export declare const inboxAssets: Record<string, string>;
