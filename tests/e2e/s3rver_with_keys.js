// s3rver that accepts exactly ONE key pair, for the end-to-end tests that prove each Litestream replica
// signs with its own credentials.
//
// s3rver alone accepts its built-in S3RVER key, accepts unsigned requests, and never checks a Signature V4
// (it only looks the access key id up). So this launcher revokes the built-in key, registers the one pair
// given in the environment, and puts a Signature V4 check in front of every request: a request signed with
// any other access key id or secret gets 403.
//
// Environment: S3RVER_PORT, S3RVER_DIRECTORY, S3RVER_BUCKET, S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY
// (NODE_PATH must reach s3rver). Prints "s3rver listening on 127.0.0.1:PORT" when ready; never prints keys.
'use strict';

const crypto = require('crypto');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`s3rver_with_keys: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const port = Number(required('S3RVER_PORT'));
const directory = required('S3RVER_DIRECTORY');
const bucket = required('S3RVER_BUCKET');
const accessKeyId = required('S3RVER_ACCESS_KEY_ID');
const secretAccessKey = required('S3RVER_SECRET_ACCESS_KEY');

AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

// RFC 3986 encoding as Signature V4 wants it (encodeURIComponent leaves !'()* alone).
function uriEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalQuery(rawQuery) {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter(part => part.length > 0)
    .map(part => {
      const eq = part.indexOf('=');
      const decode = s => decodeURIComponent(s.replace(/\+/g, ' '));
      const key = decode(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decode(part.slice(eq + 1));
      return [uriEncode(key), uriEncode(value)];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const hmac = (key, text) => crypto.createHmac('sha256', key).update(text, 'utf8').digest();
const sha256Hex = text => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

// Returns null when the request carries a valid Signature V4 by the registered key pair, else a reason.
function signatureProblem(req) {
  const auth = req.headers.authorization || '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
  if (!match) return 'not signed with AWS Signature V4';
  const [, keyId, date, region, service, signedHeaders, signature] = match;
  if (keyId !== accessKeyId) return 'unknown access key id';
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate) return 'no x-amz-date header';
  const [rawPath, rawQuery] = req.url.split(/\?(.*)/s);
  const headerLines = signedHeaders
    .split(';')
    .map(name => `${name}:${String(req.headers[name] === undefined ? '' : req.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = req.headers['x-amz-content-sha256'] || 'UNSIGNED-PAYLOAD';
  const canonicalRequest = [req.method, rawPath, canonicalQuery(rawQuery), headerLines, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac('AWS4' + secretAccessKey, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = crypto.createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return expected === signature ? null : 'signature does not match the registered secret';
}

const server = new S3rver({ address: '127.0.0.1', port, directory, silent: false, configureBuckets: [{ name: bucket }] });

// Koa composes the middleware list when the server starts, so this check runs before anything else.
server.middleware.unshift(async (ctx, next) => {
  const problem = signatureProblem(ctx.req);
  if (problem) {
    console.error(`s3rver_with_keys: refused ${ctx.method} ${ctx.path}: ${problem}`);
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
      `<Message>${problem}</Message></Error>`;
    return;
  }
  await next();
});

server.run().then(
  address => console.log(`s3rver listening on ${address.address}:${address.port}`),
  err => {
    console.error(`s3rver_with_keys: ${err.message}`);
    process.exit(1);
  },
);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close().finally(() => process.exit(0)));
}
