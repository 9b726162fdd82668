/**
 * QR Code model 2 encoder (ISO/IEC 18004:2015), used to show an RFC 8628
 * `verification_uri_complete` on terminals, TVs and in browsers. Byte mode,
 * levels L/M/Q/H, versions 1–40; web-platform APIs only.
 *
 * The implementation is split by concern under `./qr/`; this module is the
 * public surface.
 */
export { encodeQr, type QrCode, type QrEncodeOptions } from './qr/encode.ts';
export { ERR_INVALID_ARG_VALUE, ERR_QR_DATA_TOO_LONG } from './qr/errors.ts';
export { qrPenalty, type QrMatrix } from './qr/penalty.ts';
export { renderQrSvg, renderQrText, type QrSvgOptions, type QrTextOptions } from './qr/render.ts';
export type { QrEcl, QrMask } from './qr/tables.ts';
