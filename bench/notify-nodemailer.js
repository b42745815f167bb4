// bench/notify-nodemailer.js: the nodemailer side of bench/notify. Sends
// COUNT messages of about SIZE bytes (headers included) through one pooled
// nodemailer transport (pool: true, maxConnections CONNS, maxMessages
// Infinity) to an SMTP sink, waits for all of them, and prints one line:
//   accepted=N failed=N seconds=S rate=R
// Each message is composed by nodemailer (MailComposer) from its own To,
// Subject and plain-text body, as a pooled mailer would do in practice.
// usage: node bench/notify-nodemailer.js NODEMAILER_PREFIX HOST PORT COUNT
//        SIZE CONNS
//   NODEMAILER_PREFIX: the directory given to `npm install --prefix`.
'use strict';
const path = require('path');

const [prefix, host, port, countArg, sizeArg, connsArg] =
    process.argv.slice(2);
if (!connsArg) {
    console.error('usage: node notify-nodemailer.js PREFIX HOST PORT ' +
                  'COUNT SIZE CONNS');
    process.exit(2);
}
const nodemailer = require(path.join(prefix, 'node_modules', 'nodemailer'));
const count = Number(countArg);
const size = Number(sizeArg);
const conns = Number(connsArg);

const transport = nodemailer.createTransport({
    host,
    port: Number(port),
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: conns,
    maxMessages: Infinity,
    name: 'bench.tocsin.test',
});

// A plain-text body of lines of 72 characters, about `size` bytes minus
// the about 340 bytes of headers nodemailer adds.
const line = 'Beste klant, uw gegevens zijn betrokken bij een datalek. ' +
             'Wees alert!!\n';
const bodyLen = Math.max(size - 340, 64);
const body = line.repeat(Math.ceil(bodyLen / line.length)).slice(0, bodyLen);

let accepted = 0;
let failed = 0;
const t0 = process.hrtime.bigint();
const sends = [];
for (let i = 0; i < count; i++) {
    sends.push(transport
                   .sendMail({
                       from: 'Ben <noreply@ben.example>',
                       to: `Person ${i} <person${i}@d.example>`,
                       subject: `Ben: je persoonsgegevens (${i})`,
                       text: `Beste persoon ${i},\n\n` + body,
                   })
                   .then(() => { accepted++; }, (err) => {
                       if (failed++ === 0)
                           console.error('nodemailer: ' + err.message);
                   }));
}
Promise.all(sends).then(() => {
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    transport.close();
    console.log(`accepted=${accepted} failed=${failed} ` +
                `seconds=${secs.toFixed(3)} ` +
                `rate=${(accepted / secs).toFixed(0)}`);
    process.exit(failed ? 1 : 0);
});
