// The person's side of the device code flow, without a browser: open the verification address,
// type the user code, then press a person's button (or Decline) on the emulator's sign-in page.
import { readSignInForm, type SignInChoice } from './emulator-sign-in.ts';
import { formBody, httpsRequest } from './https-request.ts';

export async function completeDeviceLogin(
  verificationUri: string,
  userCode: string,
  who: SignInChoice,
  caCertificatePem: string,
): Promise<string> {
  const post = (fields: Record<string, string>) =>
    httpsRequest(verificationUri, {
      method: 'POST',
      caCertificatePem,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(fields),
    });
  const codePage = await httpsRequest(verificationUri, { caCertificatePem });
  if (codePage.status !== 200 || !codePage.body.includes('name="otc"'))
    throw new Error(`no code form at ${verificationUri}: HTTP ${codePage.status}`);
  const accounts = await post({ otc: userCode });
  const form = readSignInForm(accounts.body);
  if (accounts.status !== 200 || !form)
    throw new Error(`the code ${userCode} was not accepted: HTTP ${accounts.status}`);
  let choice: Record<string, string>;
  if (who === 'decline') choice = { decline: '1' };
  else {
    const person = form.people.find((candidate) =>
      'objectId' in who ? candidate.objectId === who.objectId : candidate.username === who.username,
    );
    if (!person) throw new Error(`no button for ${JSON.stringify(who)}`);
    choice = { person: person.objectId };
  }
  const done = await post({ ...form.hidden, ...choice });
  if (done.status !== 200) throw new Error(`device login answered HTTP ${done.status}`);
  return done.body;
}
