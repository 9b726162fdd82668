// The one Node global flow.ts reads, declared here so the consumer needs no @types/node.
declare const process: { argv: string[] };
