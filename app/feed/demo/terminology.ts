/**
 * Code systems and the Swedish clinical vocabulary the demo data draws on. Codes are the ones Swedish care commonly
 * uses (ICD-10-SE, ATC, NPU with LOINC beside it, SNOMED CT); names are as a Swedish record shows them.
 */

export const SYSTEMS = {
  personnummer: "http://electronichealth.se/identifier/personnummer",
  personnummerOid: "urn:oid:1.2.752.129.2.1.3.1",
  hsaId: "urn:oid:1.2.752.29.4.19",
  providerKind: "https://vgregion.se/fhir/CodeSystem/provider-kind",
  appointmentType: "https://vgregion.se/fhir/CodeSystem/appointment-type",
  bookableOnline: "https://vgregion.se/fhir/StructureDefinition/bookable-online",
  openBooking: "https://vgregion.se/fhir/StructureDefinition/open-booking",
  cancellationDeadlineHours: "https://vgregion.se/fhir/StructureDefinition/cancellation-deadline-hours",
  guardianBlocked: "https://vgregion.se/fhir/StructureDefinition/guardian-online-access-blocked",
  securityLabel: "http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel",
  roleCode: "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
  actCode: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
  interpretation: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
  observationCategory: "http://terminology.hl7.org/CodeSystem/observation-category",
  conditionClinical: "http://terminology.hl7.org/CodeSystem/condition-clinical",
  conditionVerification: "http://terminology.hl7.org/CodeSystem/condition-ver-status",
  conditionCategory: "http://terminology.hl7.org/CodeSystem/condition-category",
  allergyClinical: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
  allergyVerification: "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
  v20276: "http://terminology.hl7.org/CodeSystem/v2-0276",
  loinc: "http://loinc.org",
  npu: "urn:oid:1.2.208.176.2.1",
  icd10se: "urn:oid:1.2.752.116.1.1.1.1.3",
  atc: "http://www.whocc.no/atc",
  snomed: "http://snomed.info/sct",
  ucum: "http://unitsofmeasure.org",
  contactType: "https://vgregion.se/fhir/CodeSystem/contact-type",
  dicom: "http://dicom.nema.org/resources/ontology/DCM",
  objectRole: "http://terminology.hl7.org/CodeSystem/object-role",
} as const;

export interface Analyte {
  key: string;
  /** As a Swedish lab report names it. */
  name: string;
  npu: string;
  loinc: string;
  unit: string;
  ucum: string;
  decimals: number;
  /** Reference range: [low, high] per sex; a missing bound is open. */
  reference: { female: [number | null, number | null]; male: [number | null, number | null] };
  /** A typical value for a healthy adult, and the spread between people. */
  typical: number;
  spread: number;
  category: "laboratory" | "vital-signs";
}

const both = (low: number | null, high: number | null) => ({ female: [low, high] as [number | null, number | null], male: [low, high] as [number | null, number | null] });

export const ANALYTES = {
  hba1c: { key: "hba1c", name: "B-HbA1c", npu: "NPU27300", loinc: "59261-8", unit: "mmol/mol", ucum: "mmol/mol", decimals: 0, reference: both(27, 42), typical: 36, spread: 3, category: "laboratory" },
  creatinine: { key: "creatinine", name: "P-Kreatinin", npu: "NPU04998", loinc: "14682-9", unit: "µmol/L", ucum: "umol/L", decimals: 0, reference: { female: [45, 90], male: [60, 105] }, typical: 72, spread: 10, category: "laboratory" },
  hemoglobin: { key: "hemoglobin", name: "B-Hb", npu: "NPU28309", loinc: "718-7", unit: "g/L", ucum: "g/L", decimals: 0, reference: { female: [117, 153], male: [134, 170] }, typical: 140, spread: 8, category: "laboratory" },
  ldl: { key: "ldl", name: "P-LDL-kolesterol", npu: "NPU10171", loinc: "22748-8", unit: "mmol/L", ucum: "mmol/L", decimals: 1, reference: both(null, 3.0), typical: 2.6, spread: 0.5, category: "laboratory" },
  glucose: { key: "glucose", name: "P-Glukos", npu: "NPU02192", loinc: "14749-6", unit: "mmol/L", ucum: "mmol/L", decimals: 1, reference: both(4.2, 6.0), typical: 5.2, spread: 0.4, category: "laboratory" },
  potassium: { key: "potassium", name: "P-Kalium", npu: "NPU03230", loinc: "2823-3", unit: "mmol/L", ucum: "mmol/L", decimals: 1, reference: both(3.5, 4.4), typical: 4.0, spread: 0.2, category: "laboratory" },
  sodium: { key: "sodium", name: "P-Natrium", npu: "NPU03429", loinc: "2951-2", unit: "mmol/L", ucum: "mmol/L", decimals: 0, reference: both(137, 145), typical: 140, spread: 1.5, category: "laboratory" },
  tsh: { key: "tsh", name: "P-TSH", npu: "NPU03577", loinc: "11580-8", unit: "mIE/L", ucum: "m[IU]/L", decimals: 1, reference: both(0.4, 4.0), typical: 1.8, spread: 0.6, category: "laboratory" },
  ft4: { key: "ft4", name: "P-T4, fritt", npu: "NPU03579", loinc: "14920-3", unit: "pmol/L", ucum: "pmol/L", decimals: 0, reference: both(12, 22), typical: 16, spread: 2, category: "laboratory" },
  crp: { key: "crp", name: "P-CRP", npu: "NPU19748", loinc: "1988-5", unit: "mg/L", ucum: "mg/L", decimals: 0, reference: both(null, 5), typical: 2, spread: 1, category: "laboratory" },
  uAlbCrea: { key: "uAlbCrea", name: "U-Albumin/Kreatinin", npu: "NPU19661", loinc: "14959-1", unit: "g/mol", ucum: "g/mol", decimals: 1, reference: both(null, 3.0), typical: 1.2, spread: 0.6, category: "laboratory" },
  leukocytes: { key: "leukocytes", name: "B-Leukocyter", npu: "NPU02593", loinc: "6690-2", unit: "×10⁹/L", ucum: "10*9/L", decimals: 1, reference: both(3.5, 8.8), typical: 6.2, spread: 1.2, category: "laboratory" },
  ferritin: { key: "ferritin", name: "P-Ferritin", npu: "NPU19763", loinc: "2276-4", unit: "µg/L", ucum: "ug/L", decimals: 0, reference: { female: [13, 150], male: [30, 400] }, typical: 90, spread: 40, category: "laboratory" },
  ntProBnp: { key: "ntProBnp", name: "P-NT-proBNP", npu: "NPU21571", loinc: "33762-6", unit: "ng/L", ucum: "ng/L", decimals: 0, reference: both(null, 300), typical: 120, spread: 60, category: "laboratory" },
  alat: { key: "alat", name: "P-ALAT", npu: "NPU19651", loinc: "1742-6", unit: "µkat/L", ucum: "ukat/L", decimals: 2, reference: { female: [null, 0.76], male: [null, 1.1] }, typical: 0.4, spread: 0.12, category: "laboratory" },
  weight: { key: "weight", name: "Kroppsvikt", npu: "NPU03804", loinc: "29463-7", unit: "kg", ucum: "kg", decimals: 1, reference: both(null, null), typical: 76, spread: 12, category: "vital-signs" },
  systolic: { key: "systolic", name: "Blodtryck, systoliskt", npu: "DNK05472", loinc: "8480-6", unit: "mmHg", ucum: "mm[Hg]", decimals: 0, reference: both(90, 140), typical: 128, spread: 10, category: "vital-signs" },
  diastolic: { key: "diastolic", name: "Blodtryck, diastoliskt", npu: "DNK05473", loinc: "8462-4", unit: "mmHg", ucum: "mm[Hg]", decimals: 0, reference: both(60, 90), typical: 80, spread: 6, category: "vital-signs" },
} as const satisfies Record<string, Analyte>;

export type AnalyteKey = keyof typeof ANALYTES;

export interface Diagnosis {
  code: string;
  display: string;
}

export const DIAGNOSES = {
  diabetes2: { code: "E11.9", display: "Typ 2-diabetes utan komplikationer" },
  hypertension: { code: "I10.9", display: "Essentiell hypertoni" },
  hyperlipidemia: { code: "E78.0", display: "Ren hyperkolesterolemi" },
  hypothyroidism: { code: "E03.9", display: "Hypotyreos, ospecificerad" },
  asthma: { code: "J45.9", display: "Astma, ospecificerad" },
  atrialFibrillation: { code: "I48.9", display: "Förmaksflimmer och förmaksfladder, ospecificerat" },
  heartFailure: { code: "I50.9", display: "Hjärtsvikt, ospecificerad" },
  depression: { code: "F32.1", display: "Medelsvår depressiv episod" },
  adhd: { code: "F90.0", display: "Aktivitets- och uppmärksamhetsstörning" },
  eczema: { code: "L20.9", display: "Atopiskt eksem, ospecificerat" },
  glaucoma: { code: "H40.1", display: "Primärt öppenvinkelglaukom" },
  myopia: { code: "H52.1", display: "Myopi" },
  rhinitis: { code: "J30.1", display: "Allergisk rinit orsakad av pollen" },
  migraine: { code: "G43.9", display: "Migrän, ospecificerad" },
  gonarthrosis: { code: "M17.1", display: "Annan primär gonartros" },
  lungCancer: { code: "C34.9", display: "Malign tumör i bronk eller lunga, ospecificerad" },
  copd: { code: "J44.9", display: "Kroniskt obstruktiv lungsjukdom, ospecificerad" },
  uri: { code: "J06.9", display: "Akut övre luftvägsinfektion, ospecificerad" },
  uti: { code: "N39.0", display: "Urinvägsinfektion, lokalisation ej specificerad" },
  lumbago: { code: "M54.5", display: "Lumbago" },
  sprain: { code: "S93.4", display: "Stukning och distorsion av fotleden" },
  radiusFracture: { code: "S52.5", display: "Fraktur på nedre delen av radius" },
  otitis: { code: "H66.9", display: "Otitis media, ospecificerad" },
  conjunctivitis: { code: "H10.9", display: "Konjunktivit, ospecificerad" },
  pneumonia: { code: "J18.9", display: "Pneumoni, ospecificerad" },
  gastroenteritis: { code: "A09.9", display: "Gastroenterit och kolit av ospecificerat ursprung" },
  healthCheckChild: { code: "Z00.1", display: "Rutinmässig hälsokontroll av barn" },
  tonsillitis: { code: "J03.9", display: "Akut tonsillit, ospecificerad" },
} as const satisfies Record<string, Diagnosis>;

export type DiagnosisKey = keyof typeof DIAGNOSES;

export interface Drug {
  atc: string;
  /** Product as prescribed. */
  product: string;
  dosage: string;
}

export const DRUGS = {
  metformin: { atc: "A10BA02", product: "Metformin 500 mg tablett", dosage: "1 tablett 2 gånger dagligen i samband med måltid" },
  sitagliptin: { atc: "A10BH01", product: "Januvia 100 mg tablett", dosage: "1 tablett 1 gång dagligen" },
  ramipril: { atc: "C09AA05", product: "Ramipril 5 mg tablett", dosage: "1 tablett på morgonen" },
  amlodipine: { atc: "C08CA01", product: "Amlodipin 5 mg tablett", dosage: "1 tablett 1 gång dagligen" },
  atorvastatin: { atc: "C10AA05", product: "Atorvastatin 20 mg tablett", dosage: "1 tablett till kvällen" },
  levothyroxine: { atc: "H03AA01", product: "Levaxin 75 mikrogram tablett", dosage: "1 tablett på fastande mage på morgonen" },
  salbutamol: { atc: "R03AC02", product: "Airomir 0,1 mg/dos inhalationsspray", dosage: "1–2 doser vid behov, högst 8 doser per dygn" },
  budesonide: { atc: "R03BA02", product: "Pulmicort Turbuhaler 200 mikrogram/dos", dosage: "1 inhalation morgon och kväll" },
  apixaban: { atc: "B01AF02", product: "Eliquis 5 mg tablett", dosage: "1 tablett 2 gånger dagligen" },
  metoprolol: { atc: "C07AB02", product: "Metoprolol 50 mg depottablett", dosage: "1 tablett på morgonen" },
  furosemide: { atc: "C03CA01", product: "Furosemid 40 mg tablett", dosage: "1 tablett på morgonen" },
  sertraline: { atc: "N06AB06", product: "Sertralin 50 mg tablett", dosage: "1 tablett på morgonen" },
  methylphenidate: { atc: "N06BA04", product: "Concerta 36 mg depottablett", dosage: "1 tablett på morgonen" },
  hydrocortisone: { atc: "D07AB02", product: "Locoid 0,1 % kräm", dosage: "Smörjes tunt på eksem 1 gång dagligen i 1–2 veckor" },
  latanoprost: { atc: "S01EE01", product: "Latanoprost 50 mikrogram/ml ögondroppar", dosage: "1 droppe i vardera ögat till kvällen" },
  cetirizine: { atc: "R06AE07", product: "Cetirizin 10 mg tablett", dosage: "1 tablett dagligen under pollensäsong" },
  phenoxymethylpenicillin: { atc: "J01CE02", product: "Kåvepenin 1 g tablett", dosage: "1 tablett 3 gånger dagligen i 10 dagar" },
  nitrofurantoin: { atc: "J01XE01", product: "Furadantin 50 mg tablett", dosage: "1 tablett 3 gånger dagligen i 5 dagar" },
  amoxicillin: { atc: "J01CA04", product: "Amoxicillin 50 mg/ml oral suspension", dosage: "Enligt ordination 3 gånger dagligen i 5 dagar" },
  ibuprofen: { atc: "M01AE01", product: "Ibuprofen 400 mg tablett", dosage: "1 tablett vid behov, högst 3 per dygn" },
  paracetamol: { atc: "N02BE01", product: "Alvedon 500 mg tablett", dosage: "1–2 tabletter vid behov, högst 8 per dygn" },
  oxycodone: { atc: "N02AA05", product: "OxyNorm 5 mg kapsel", dosage: "1 kapsel vid behov vid smärta, högst 6 per dygn" },
  sumatriptan: { atc: "N02CC01", product: "Sumatriptan 50 mg tablett", dosage: "1 tablett vid migränanfall, kan upprepas efter 2 timmar" },
  tiotropium: { atc: "R03BB04", product: "Spiriva Respimat 2,5 mikrogram/dos", dosage: "2 inhalationer 1 gång dagligen" },
} as const satisfies Record<string, Drug>;

export type DrugKey = keyof typeof DRUGS;

export interface Vaccine {
  atc: string;
  product: string;
  disease: string;
}

export const VACCINES = {
  hexavalent: { atc: "J07CA09", product: "Hexyon", disease: "Difteri, stelkramp, kikhosta, polio, Hib och hepatit B" },
  pneumococcalChild: { atc: "J07AL52", product: "Synflorix", disease: "Pneumokocker" },
  rotavirus: { atc: "J07BH01", product: "Rotarix", disease: "Rotavirus" },
  mmr: { atc: "J07BD52", product: "M-M-RvaxPro", disease: "Mässling, påssjuka och röda hund" },
  dtapIpv: { atc: "J07CA02", product: "Tetravac", disease: "Difteri, stelkramp, kikhosta och polio" },
  hpv: { atc: "J07BM03", product: "Gardasil 9", disease: "Humant papillomvirus (HPV)" },
  dtap: { atc: "J07AJ52", product: "Boostrix", disease: "Difteri, stelkramp och kikhosta" },
  influenza: { atc: "J07BB02", product: "Vaxigrip Tetra", disease: "Säsongsinfluensa" },
  covid: { atc: "J07BN01", product: "Comirnaty", disease: "Covid-19" },
  pneumococcalAdult: { atc: "J07AL01", product: "Pneumovax", disease: "Pneumokocker" },
  tbe: { atc: "J07BA01", product: "FSME-Immun", disease: "Fästingburen encefalit (TBE)" },
} as const satisfies Record<string, Vaccine>;

export type VaccineKey = keyof typeof VACCINES;

export interface Allergen {
  snomed: string;
  display: string;
  category: "medication" | "food" | "environment";
  manifestation: string;
  criticality: "low" | "high";
}

export const ALLERGENS = {
  penicillin: { snomed: "91936005", display: "Penicillinallergi", category: "medication", manifestation: "Nässelutslag", criticality: "low" },
  peanut: { snomed: "91935009", display: "Jordnötsallergi", category: "food", manifestation: "Svullnad i läppar och andningsbesvär", criticality: "high" },
  birchPollen: { snomed: "418689008", display: "Allergi mot björkpollen", category: "environment", manifestation: "Rinnande näsa och klåda i ögonen", criticality: "low" },
  cat: { snomed: "232347008", display: "Allergi mot katt", category: "environment", manifestation: "Astmabesvär och nästäppa", criticality: "low" },
  nickel: { snomed: "419788000", display: "Nickelallergi", category: "environment", manifestation: "Kontakteksem", criticality: "low" },
  sulfonamide: { snomed: "91939003", display: "Sulfonamidallergi", category: "medication", manifestation: "Utslag", criticality: "low" },
  egg: { snomed: "91930004", display: "Äggallergi", category: "food", manifestation: "Kräkningar och utslag", criticality: "low" },
} as const satisfies Record<string, Allergen>;

export type AllergenKey = keyof typeof ALLERGENS;

/** Note types, as the clinical system titles them. */
export const NOTE_TYPES = {
  visit: { loinc: "11506-3", display: "Besöksanteckning" },
  phone: { loinc: "34109-9", display: "Telefonanteckning" },
  nurse: { loinc: "34746-8", display: "Sjuksköterskeanteckning" },
  admission: { loinc: "34117-2", display: "Inskrivningsanteckning" },
  discharge: { loinc: "18842-5", display: "Epikris" },
  homeVisit: { loinc: "34133-9", display: "Hembesöksanteckning" },
  physio: { loinc: "11507-1", display: "Fysioterapeutanteckning" },
  psychology: { loinc: "11488-4", display: "Bedömning" },
  eyeExam: { loinc: "11506-3", display: "Ögonbottenundersökning" },
  counselling: { loinc: "28570-0", display: "Kuratorsanteckning" },
} as const;

export type NoteTypeKey = keyof typeof NOTE_TYPES;

/** Contact types: FHIR Encounter class and the Swedish contact type. */
export const CONTACT_TYPES = {
  visit: { class: "AMB", display: "Mottagningsbesök" },
  phone: { class: "VR", display: "Telefonkontakt" },
  video: { class: "VR", display: "Videobesök" },
  emergency: { class: "EMER", display: "Akutbesök" },
  inpatient: { class: "IMP", display: "Slutenvårdstillfälle" },
  home: { class: "HH", display: "Hembesök" },
  lab: { class: "AMB", display: "Provtagning" },
} as const;

export type ContactTypeKey = keyof typeof CONTACT_TYPES;
