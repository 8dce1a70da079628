/** Names and places for generated people: common in Västra Götaland today, not anyone in particular. */

/**
 * Fifty of each, none of them a given name of the cast (cast.ts): generated patients take them in turn, so the cast and
 * the first fifty generated patients (the people `npm start` loads) all have different names.
 */
export const GIVEN_NAMES = {
  female: [
    "Eva", "Maria", "Kristina", "Lena", "Sara", "Emma", "Kerstin", "Ingrid", "Marie", "Malin", "Jenny", "Birgitta",
    "Inger", "Linnéa", "Hanna", "Elin", "Johanna", "Ida", "Alice", "Olivia", "Astrid", "Freja", "Saga", "Vera", "Agnes",
    "Ellen", "Klara", "Signe", "Margareta", "Gunilla", "Ulla", "Britt", "Camilla", "Therese", "Fatima", "Amina", "Noor",
    "Leila", "Zahra", "Mira", "Sanna", "Linn", "Frida", "Moa", "Tilda", "Stina", "Lovisa", "Selma", "Nora", "Tuva",
  ],
  male: [
    "Lars", "Anders", "Erik", "Per", "Karl", "Peter", "Jan", "Thomas", "Daniel", "Fredrik", "Hans", "Bengt", "Magnus",
    "Stefan", "Mattias", "Hugo", "William", "Liam", "Noah", "Elias", "Lucas", "Adam", "Alexander", "Viktor", "Filip",
    "Axel", "Nils", "Arvid", "Gustav", "Ludvig", "Olle", "Sven", "Göran", "Lennart", "Kjell", "Rolf", "Bo", "Mohammed",
    "Ali", "Omar", "Hassan", "Ahmad", "Yusuf", "Milan", "Jonas", "Isak", "Anton", "Emil", "Sixten", "Melvin",
  ],
} as const;

export const FAMILY_NAMES = [
  "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
  "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson",
  "Lindström", "Lindqvist", "Lindgren", "Axelsson", "Berg", "Bergström", "Lundberg", "Lundgren", "Lind", "Mattsson",
  "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson",
  "Håkansson", "Lundin", "Gunnarsson", "Holm", "Bergman", "Samuelsson", "Fransson", "Johnsson", "Nyström", "Björk",
  "Ali", "Mohammed", "Ahmed", "Hassan", "Nguyen", "Kovač", "Nowak", "Korhonen", "Yilmaz", "Haddad",
];

export interface Place {
  city: string;
  postalPrefix: string;
  streets: string[];
  weight: number;
}

export const PLACES: Place[] = [
  {
    city: "Göteborg",
    postalPrefix: "41",
    streets: ["Linnégatan", "Övre Husargatan", "Nordhemsgatan", "Vasagatan", "Kungsgatan", "Stigbergsliden", "Eriksbergsgatan", "Västra Hamngatan", "Mariaplan", "Kungsladugårdsgatan", "Vårväderstorget", "Tuvevägen"],
    weight: 60,
  },
  { city: "Borås", postalPrefix: "50", streets: ["Allégatan", "Stora Brogatan", "Hässleholmsvägen", "Sandwalls plats", "Åsbogatan"], weight: 15 },
  { city: "Trollhättan", postalPrefix: "461", streets: ["Drottninggatan", "Källstorpsvägen", "Kungsgatan", "Strandgatan"], weight: 8 },
  { city: "Skövde", postalPrefix: "541", streets: ["Hertig Johans gata", "Rydsvägen", "Storgatan", "Kavelbrovägen"], weight: 8 },
  { city: "Uddevalla", postalPrefix: "451", streets: ["Kungsgatan", "Norra Drottninggatan", "Östergatan", "Herrestadsvägen"], weight: 9 },
];
