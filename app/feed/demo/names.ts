/** Names and places for generated people: common in Västra Götaland today, not anyone in particular. */

export const GIVEN_NAMES = {
  female: [
    "Anna", "Eva", "Maria", "Karin", "Kristina", "Lena", "Sara", "Emma", "Kerstin", "Ingrid", "Marie", "Malin", "Jenny",
    "Birgitta", "Inger", "Linnéa", "Hanna", "Elin", "Johanna", "Sofia", "Ida", "Maja", "Ebba", "Alice", "Elsa", "Wilma",
    "Alva", "Olivia", "Astrid", "Freja", "Saga", "Vera", "Agnes", "Ellen", "Klara", "Signe", "Margareta", "Gunilla",
    "Ulla", "Britt", "Camilla", "Therese", "Fatima", "Amina", "Noor", "Leila", "Zahra", "Mira", "Sanna", "Petra",
  ],
  male: [
    "Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Jan", "Thomas", "Daniel", "Fredrik", "Hans",
    "Bengt", "Magnus", "Stefan", "Mattias", "Oskar", "Hugo", "William", "Liam", "Noah", "Elias", "Lucas", "Adam",
    "Alexander", "Viktor", "Filip", "Axel", "Leo", "Nils", "Arvid", "Gustav", "Ludvig", "Olle", "Sven", "Göran",
    "Lennart", "Kjell", "Rolf", "Bo", "Mohammed", "Ali", "Omar", "Hassan", "Ahmad", "Yusuf", "Milan", "Jonas", "Theo",
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
