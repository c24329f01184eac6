// Package translit romanizes Russian Cyrillic in the schemes readers meet in
// print, and computes search keys that are equal for every spelling of one
// Russian word, in any of those schemes or in Cyrillic.
//
// # Schemes
//
// BGN is the BGN/PCGN system of 1947, used for place and personal names by the
// US and British governments: е is ye at the start of a word and after a vowel,
// й, ъ or ь (Yeltsin is Yelʹtsin, Andreev is Andreyev), ё is yë there and ë
// elsewhere (Yëlkin, Gorbachëv), й and ы are both y (Bukovskiy,
// Semichastnyy), х is kh, ц ts, щ shch, and ь and ъ are the primes ʹ and ʺ.
// The optional middle dot BGN puts between letters that would otherwise read
// as a digraph (t·s for тс) is not written.
//
// LC is the ALA-LC romanization libraries catalogue with: я i͡a, ю i͡u and ц
// t͡s with a tie, й ĭ, ё ë, э ė, ы y, ь ʹ, ъ ʺ, е always e (Evgeniĭ, I͡akovlev).
// The table's ë is kept; catalogue records mostly show e (Gorbachev) only
// because Russian print mostly leaves ё undotted.
// LCPlain is LC as it is commonly printed without diacritics: ia, iu, ts, i,
// e for ё and э, and ' and " for ь and ъ (Iakovlev, Evgenii, Gorbachev).
//
// ISO9 is ISO 9:1995, one Latin letter for each Cyrillic one so that the
// romanization can be reversed: ж ž, х h, ц c, ч č, ш š, щ ŝ, й j, э è, ё ë,
// ю û, я â (Âkovlev, Hruŝëv).
//
// Scholarly is the transliteration of Slavic linguistics: like ISO 9 but with
// j for jotation and x for х (Jakovlev, Xruščëv, Ščaranskij); е is always e.
//
// Simple is the simplified English style of the Bukovsky Archive's
// translations and of the English press: no diacritics, ь and ъ dropped,
// -ий and -ый written -y (Bukovsky, Yury), ye for е at the start of a word,
// after a vowel other than и or ы, and after й, ь or ъ (Yevgeny, Grigoryev), yo
// for ё except after ж, ч, ш, щ and in a final -ёв or -ёва, where it is e
// (Fyodor, Pyotr, but Gorbachev, Khrushchev, Ponomarev), i for й after а or е
// before a consonant or at the end (Andrei, Nikolai, Zaitsev), x for кс
// (Alexei, Maxim), and Alexander for Александр.
//
// The pre-1918 letters і, ѣ, ѳ and ѵ are romanized in every scheme (in LC
// and ISO 9 by their tables: ī, i͡e, ḟ, ẏ and ì, ě, f̀, ỳ); any other character,
// including Cyrillic letters of other languages, is left as it is.
//
// # Keys
//
// Key reduces a word to lower-case ASCII so that all its spellings meet. It
// first writes the word in one canonical Latin: Cyrillic letters by a table (ж
// zh, х h, ц c, ч ch, ш sh, щ shch, й y, ы y, я ya, ю yu, е ё э e, ь ъ
// nothing), Latin letters with diacritics by what they stand for in the
// schemes and in Polish and Czech (ž ż zh, š sh, č ch, ŝ shch, â ya, û yu,
// ĭ y, ë ė è e, other marks and ties dropped), j as y, w as v, apostrophes,
// primes and other punctuation dropped. In a word with a w or a Polish or
// Czech letter, an ASCII ch is х, as German, Polish and Czech write it
// (Sacharow, Chruszczow, Chruščov); elsewhere it is English ч. In a word
// with the French tch, ou is у (Khrouchtchev). Then it folds, in this order:
//
//   - kh, x and ks to h: х is kh, h or x and кс is ks or x depending on the
//     scheme, so х and кс share one key (Alexei, Aleksei; Saxarov, Sakharov);
//   - ts and tz to c (Tsvigun, Cvigun); ks and ts before h or ch are left,
//     as к or т and ш, or German tsch;
//   - the digraphs of German, Polish and French: tsch, cz, tch and cch to ch
//     (Gorbatschow, Gorbaczow, Gorbatchev); sch and sz to sh; schtsch,
//     szcz and chtch to shch (Chruschtschow, Chruszczow, Khrouchtchev); rz
//     after b, d or g to zh and after p, t or k to sh (Brzezinski);
//   - ia and iu to ya and yu (Iakovlev, Yakovlev);
//   - any i or y before e is dropped, and yo becomes e (Yeltsin, Eltsin;
//     Andreyev, Andreev; Grigoriev, Grigorev; Fyodor, Fedor);
//   - y between a, e, o or u and a consonant becomes i (Zaytsev, Zaitsev),
//     and i between one of those vowels and y becomes y; y after c, zh, ch
//     or sh and before a consonant becomes i (Jelcyn, Yeltsin; Wyszyński);
//   - a final -ov or -ova after zh, ch or sh becomes -ev, -eva, the ё that
//     German, Polish and Czech write o (Gorbatschow, Chruščov);
//   - a run of i and y ending the word becomes y (Yuri, Yury, Iurii, Jurij).
//
// Last, Key looks the result up in a table of names, names.txt: spellings
// no rule reaches, each read as the key of the Russian word it stands for.
// It holds the conventional spellings of well-known names (Sharansky,
// Ehrenburg, Beria, Alexander), the German and French spellings of names
// with ж or ц, which German writes as it writes ш (sch) and с (z) and
// French as й (j) is written elsewhere (Breschnew, Brejnev, Jelzin,
// Soljenitsyne), and Western names as Russian practical transcription
// writes them (Картер, Carter; Вэнс, Vance; Миттеран, Mitterrand; Рейган,
// Reagan). Western names whose letters meet by the rules need no line
// (Брандт, Brandt; Шмидт, Schmidt; Бжезинский, Brzezinski; Никсон, Nixon).
//
// What Key does not match: exonyms (Peter for Пётр), spellings that change
// letters (Boner for Bonner), spellings of other languages that no rule
// reads and the table does not list (German Sinowjew for Зиновьев, whose s
// is з, and Kusnezow for Кузнецов, whose z is ц; German Michail, whose ch
// no other letter marks as German; French Joukovski), and case or gender
// endings (Orlov, Orlova), which are a stemmer's business.
//
// What Key merges that Russian keeps apart: х and кс (Кох, Кокс), сх and ш
// (Исхаков, Ишаков), тс and ц, е, ё and э (Ерин, Эрин), ие and е, иа and я
// after a consonant (Диана, Дяна), й and и after a vowel (Райса, Раиса), and
// the endings -ий, -ый, -и and -ы (Горький, Горки). The rules for other
// languages add сч and ш (Счастный, Шастный), тч and ч (Братчиков,
// Брачиков), цз and ч, цы and ци (Синицын, Синицин), -ов and -ев after ж,
// ч, ш and щ (Ежов, Ежев); and a word whose key is that of a spelling in the
// table is read as the table reads it (Брешнев as Брежнев, for German
// Breschnew). These are the price of letting every scheme meet; a search
// that needs the difference can compare the Cyrillic. One spelling the
// schemes share cannot be undone: ISO 9 writes ксх and кш alike as ksh, and
// тсх and тш as tsh, and the key reads them as кш and тш, so BGN's kskh
// and tskh for ксх and тсх do not meet their Cyrillic; and ISO 9's ch for
// цх, in a word with ž, č or š, is read as the Czech ch for х.
//
// Key is meant for names, but it may be given English words: those without
// the letters and pairs it folds come back lower-cased (archive, committee),
// others change (soviet becomes sovet, its becomes ic, Moscow becomes moscov,
// school becomes shool).
package translit
