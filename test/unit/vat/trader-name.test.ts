import { describe, expect, it } from 'vitest';
import { compareTraderNames } from '../../../src/vat/trader-name';

describe('compareTraderNames', () => {
  it.each([
    ['MUSTER GMBH', 'Muster GmbH'],
    ['MUSTER HOSTING GMBH', 'Muster Hosting'],
    ['Muster Hosting', 'Muster Hosting B.V.'],
    ['JANSEN, FEMKE', 'Femke Jansen'],
    ['SOCIÉTÉ GÉNÉRALE DES SERVEURS SARL', 'Societe Generale des Serveurs'],
    ['MUSTERHOSTING GMBH', 'Muster Hosting GmbH'],
    ['BAKKER & ZONEN V.O.F.', 'Bakker en Zonen'],
    ['KOWALSKI SP. Z O.O.', 'Kowalski'],
  ])('matches %s with %s', (registered, declared) => {
    expect(compareTraderNames(registered, [declared])).toBe('MATCH');
  });

  it.each([
    ['MUSTER GMBH', 'Beispiel GmbH'],
    ['ACME TRADING LTD', 'Muster Hosting'],
    ['HOSTING NEDERLAND B.V.', 'Webwinkel Jansen'],
  ])('tells %s from %s', (registered, declared) => {
    expect(compareTraderNames(registered, [declared])).toBe('MISMATCH');
  });

  it('matches when either the company name or the own name is the registered one', () => {
    expect(compareTraderNames('F. JANSEN', ['Webwinkel Zonnig', 'Femke Jansen'])).toBe('MATCH');
    expect(compareTraderNames('F. JANSEN', ['Webwinkel Zonnig', 'Piet Bakker'])).toBe('MISMATCH');
  });

  it('does not compare a withheld name, or against nothing', () => {
    expect(compareTraderNames(null, ['Muster GmbH'])).toBe('NOT_COMPARED');
    expect(compareTraderNames('---', ['Muster GmbH'])).toBe('NOT_COMPARED');
    expect(compareTraderNames('MUSTER GMBH', [null, undefined])).toBe('NOT_COMPARED');
    expect(compareTraderNames('GMBH', ['Muster'])).toBe('NOT_COMPARED');
  });
});
