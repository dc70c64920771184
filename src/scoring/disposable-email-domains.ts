/**
 * Disposable (throw-away) email domains, for the DISPOSABLE_EMAIL signal. An address at one of these
 * is not proof of fraud, but it is an address nobody can be reached at next month.
 *
 * Source: a hand-picked subset (590 domains) of the community-maintained blocklist
 * disposable_email_blocklist.conf in the disposable-email-domains project on GitHub (public domain,
 * CC0), keeping the long-lived, well-known services and leaving out entries that look like ordinary
 * businesses or mail providers. No npm package with such a list is among this project's dependencies.
 *
 * To update: compare with the current upstream list, add or remove domains below (lower case, one
 * registrable domain each; subdomains match automatically), and keep the test for a few well-known
 * ones passing. A domain added here raises scores immediately, so it belongs with a new rules version.
 */

// One string rather than an array literal: it keeps the file short and the formatter off it.
const DOMAINS = `
  0-mail.com 0815.ru 0815.su 0clickemail.com 0wnd.net 0wnd.org 10mail.org 10minut.com.pl 10minutemail.be
  10minutemail.co.uk 10minutemail.com 10minutemail.de 10minutemail.net 10minutemail.nl 10minutemail.pro
  10minutemail.us 10minutemailbox.com 10minutenemail.de 10minutesmail.com 10minutesmail.fr
  12minutemail.com 1secmail.com 1secmail.net 1secmail.org 20minutemail.com 20minutemail.it 24hourmail.com
  30minutemail.com 5minutemail.net 60minutemail.com anon-mail.de anonbox.net anonymbox.com antispam.de
  antispammail.de armyspy.com binkmail.com bobmail.info bofthew.com boun.cr bouncr.com bspamfree.org
  bugmenever.com bugmenot.com bumpymail.com burnthespam.info burstmail.info byebyemail.com byom.de
  chacuo.net cheatmail.de cmail.club courrieltemporaire.com crapmail.org crazymailing.com cuvox.de
  dayrep.com deadaddress.com deadspam.com despam.it despammed.com devnullmail.com discard.email
  discardmail.com discardmail.de disposableaddress.com disposableemailaddresses.com disposableinbox.com
  dispose.it disposeamail.com disposemail.com dispostable.com dodgeit.com dodgemail.de dodgit.com
  dodgit.org dontreg.com dontsendmespam.de drdrb.com drdrb.net dropjar.com dropmail.me dump-email.info
  dumpandjunk.com dumpmail.de dumpyemail.com e4ward.com easy-trash-mail.com easytrashmail.com
  einmalmail.de einrot.com einrot.de eintagsmail.de email-fake.com email-jetable.fr email-temp.com
  email60.com emaildrop.io emailfake.com emailgenerator.de emailgo.de emailias.com emailinfive.com
  emailisvalid.com emailmiser.com emailondeck.com emailresort.com emailsensei.com emailtemporanea.com
  emailtemporanea.net emailtemporar.ro emailtemporario.com.br emailthe.net emailtmp.com emailto.de
  emailwarden.com emailxfer.com emlhub.com emlpro.com emltmp.com ephemail.net etranquil.com etranquil.net
  etranquil.org explodemail.com fakedemail.com fakeinbox.com fakeinbox.info fakemail.fr fakemail.io
  fakemailgenerator.com fakemailz.com fexbox.org fexpost.com fightallspam.com filzmail.com fivemail.de
  fleckens.hu flyspam.com forgetmail.com forspam.net fr33mail.info frapmail.com friendlymail.co.uk
  fudgerub.com garbagemail.org get2mail.fr getairmail.com getmails.eu getnada.cc getnada.com
  getonemail.com ghosttexter.de gishpuppy.com great-host.in grr.la guerillamail.biz guerillamail.com
  guerillamail.de guerillamail.info guerillamail.net guerillamail.org guerrillamail.biz guerrillamail.com
  guerrillamail.de guerrillamail.info guerrillamail.net guerrillamail.org guerrillamailblock.com gustr.com
  haltospam.com harakirimail.com hatespam.org herp.in hidemail.de hidemail.pro hidzz.com hmamail.com
  hochsitze.com hotpop.com ieatspam.eu ieatspam.info ieh-mail.de ihateyoualot.info iheartspam.org
  ikbenspamvrij.nl ilovespam.com imails.info inboxalias.com inboxbear.com inboxclean.com inboxclean.org
  inboxkitten.com inboxproxy.com incognitomail.com incognitomail.net incognitomail.org insorg-mail.info
  instant-mail.de instantemailaddress.com instantmail.fr ipoo.org irish2me.com jetable.com jetable.net
  jetable.org jourrapide.com junk1e.com kasmail.com kaspop.com keepmymail.com killmail.com killmail.net
  klassmaster.com klzlk.com kurzepost.de lackmail.net lastmail.co lastmail.com lazyinbox.com
  letthemeatspam.com lhsdv.com lifebyfood.com link2mail.net litedrop.com lookugly.com lortemail.dk
  losemymail.com lr78.com lroid.com mail-filter.com mail-temporaire.com mail-temporaire.fr mail4trash.com
  mailblocks.com mailbucket.org mailcatch.com mailchop.com mailde.de mailde.info maildrop.cc maileater.com
  mailexpire.com mailforspam.com mailfreeonline.com mailguard.me mailhazard.com mailimate.com mailin8r.com
  mailinater.com mailinator.co.uk mailinator.com mailinator.net mailinator.org mailinator.us
  mailinator2.com mailincubator.com mailismagic.com mailme.lv mailme24.com mailmetrash.com mailmoat.com
  mailnator.com mailnesia.com mailnull.com mailpoof.com mailsac.com mailscrap.com mailshell.com
  mailsiphon.com mailslapping.com mailslite.com mailtemp.info mailtemporaire.com mailtemporaire.fr
  mailto.plus mailtothis.com mailtrash.net mailzilla.com mailzilla.org meinspamschutz.de meltmail.com
  messagebeamer.de mierdamail.com mintemail.com moakt.com mohmal.com monumentmail.com mt2014.com
  mt2015.com mvrht.com mvrht.net my10minutemail.com mycleaninbox.net myspamless.com mytemp.email
  mytempemail.com mytempmail.com mytrashmail.com nada.email nada.ltd nepwk.com nervmich.net nervtmich.net
  netmails.com netmails.net nevermail.de nice-4u.com nobulk.com noclickemail.com nogmailspam.info
  nomail2me.com nomorespamemails.com nonspam.eu nonspammer.de nospam.today nospam4.us nospamfor.us
  nospamthanks.info notmailinator.com nowhere.org nowmymail.com nurfuerspam.de objectmail.com obobbo.com
  odnorazovoe.ru one-time.email oneoffemail.com oneoffmail.com onewaymail.com opentrash.com otherinbox.com
  outlawspam.com ovpn.to owlpic.com pancakemail.com papierkorb.me pjjkp.com pokemail.net politikerclub.de
  pookmail.com proxymail.eu prtnx.com punkass.com putthisinyourspamdatabase.com quickinbox.com
  quickmail.nl rcpt.at reallymymail.com realtyalerts.ca recode.me recyclemail.dk regbypass.com
  rejectmail.com rhyta.com rmqkr.net rppkn.com rtrtr.com s0ny.net safersignup.de safetymail.info
  safetypost.de sandelf.de saynotospams.com schafmail.de schrott-email.de secretemail.de
  selfdestructingmail.com sendspamhere.com sharklasers.com shieldedmail.com shiftmail.com shitmail.me
  shortmail.net sinnlos-mail.de skeefmail.com slaskpost.se slopsbox.com smashmail.de smellfear.com
  snakemail.com sneakmail.de sofimail.com sofort-mail.de sogetthis.com soodonims.com spam.la spam.su
  spam4.me spamail.de spamavert.com spambob.com spambob.net spambob.org spambog.com spambog.de spambog.ru
  spambox.info spambox.me spambox.us spamcero.com spamcon.org spamcorptastic.com spamcowboy.com
  spamcowboy.net spamcowboy.org spamday.com spamdecoy.net spamex.com spamfree.eu spamfree24.com
  spamfree24.de spamfree24.eu spamfree24.info spamfree24.net spamfree24.org spamgoes.in spamherelots.com
  spamhereplease.com spamhole.com spamify.com spaminator.de spamkill.info spaml.com spaml.de spammotel.com
  spamobox.com spamoff.de spamslicer.com spamspot.com spamthis.co.uk spamthisplease.com spamtrail.com
  spamtroll.net spoofmail.de squizzy.de stuffmail.de supergreatmail.com supermailer.jp superrito.com
  suremail.info swift10minutemail.com tagyourself.com teleworm.com teleworm.us temp-mail.com temp-mail.de
  temp-mail.org temp-mail.ru temp-mails.com tempail.com tempalias.com tempe-mail.com tempemail.biz
  tempemail.com tempemail.net tempinbox.co.uk tempinbox.com tempmail.co tempmail.de tempmail.eu
  tempmail.it tempmail.us tempmail.ws tempmail2.com tempmailer.com tempmailer.de tempmailo.com
  tempomail.fr temporarily.de temporarioemail.com.br temporaryemail.net temporaryforwarding.com
  temporaryinbox.com temporarymailaddress.com tempr.email tempsky.com tempthe.net tempymail.com
  thanksnospam.info thankyou2010.com thisisnotmyrealemail.com throwam.com throwawayemailaddress.com
  throwawaymail.com tilien.com tmail.ws tmailinator.com tmpbox.net tmpeml.com tmpmail.net tmpmail.org
  toiea.com tokenmail.de tradermail.info trash-amil.com trash-mail.at trash-mail.com trash-mail.de
  trash-me.com trash2009.com trashcanmail.com trashdevil.com trashdevil.de trashemail.de trashinbox.com
  trashmail.at trashmail.com trashmail.de trashmail.io trashmail.me trashmail.net trashmail.org
  trashmail.ws trashmailer.com trashmailgenerator.de trashmails.com trashymail.com trashymail.net
  trbvm.com trialmail.de trillianpro.com turual.com twinmail.de tyldd.com uggsrock.com upliftnow.com
  uplipht.com uroid.com venompen.com veryrealemail.com viditag.com viewcastmedia.com viewcastmedia.net
  viewcastmedia.org vomoto.com vubby.com walala.org walkmail.net webemail.me webm4il.info
  weg-werf-email.de wegwerf-email-adressen.de wegwerf-email.at wegwerf-email.de wegwerf-email.net
  wegwerf-emails.de wegwerfadresse.de wegwerfemail.com wegwerfemail.de wegwerfemail.info wegwerfemail.net
  wegwerfemail.org wegwerfemailadresse.com wegwerfmail.de wegwerfmail.info wegwerfmail.net wegwerfmail.org
  wegwerpmailadres.nl wegwrfmail.de wegwrfmail.net wegwrfmail.org wh4f.org whyspam.me willhackforfood.biz
  willselfdestruct.com winemaven.info wronghead.com wuzup.net wuzupmail.net xagloo.com xemaps.com
  xents.com xmaily.com yep.it yogamaven.com yomail.info yopmail.com yopmail.fr yopmail.net you-spam.com
  youmailr.com zehnminuten.de zehnminutenmail.de zetmail.com zippymail.info zoemail.com zoemail.net
  zoemail.org zomg.info
`;

export const DISPOSABLE_EMAIL_DOMAINS: ReadonlySet<string> = new Set(
  DOMAINS.split(/\s+/).filter((d) => d !== ''),
);

/**
 * The listed domain that an email address or domain belongs to ('x@a.mailinator.com' gives
 * 'mailinator.com'), or null when it is not a disposable domain.
 */
export function disposableEmailDomainOf(emailOrDomain: string): string | null {
  let domain = emailOrDomain
    .slice(emailOrDomain.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
  // A fully qualified name may end in a dot ('mailinator.com.'); it is the same domain.
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  // Walk up the labels: a.b.mailinator.com, b.mailinator.com, mailinator.com; a bare TLD never matches.
  let dot = domain.indexOf('.');
  while (dot !== -1) {
    if (DISPOSABLE_EMAIL_DOMAINS.has(domain)) return domain;
    domain = domain.slice(dot + 1);
    dot = domain.indexOf('.');
  }
  return null;
}

export function isDisposableEmailDomain(emailOrDomain: string): boolean {
  return disposableEmailDomainOf(emailOrDomain) !== null;
}
