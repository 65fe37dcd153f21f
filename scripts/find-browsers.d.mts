// Types for find-browsers.mjs, which plain `node` runs before any TypeScript is loaded.
export type EngineName = 'chromium' | 'firefox' | 'webkit';
export declare const ENGINES: readonly EngineName[];
export declare function locate(engine: 'chromium'): { paths: { chromium: string }; missing?: undefined } | { missing: string; installable: boolean; paths?: undefined };
export declare function locate(engine: 'firefox'): { paths: { firefox: string }; missing?: undefined } | { missing: string; installable: boolean; paths?: undefined };
export declare function locate(engine: 'webkit'): { paths: { driver: string; miniBrowser: string; xvfb: string }; missing?: undefined } | { missing: string; installable: boolean; paths?: undefined };
export declare function provision(engines: readonly EngineName[]): void;
export declare function selectedEngines(value?: string): EngineName[];
