/*
 * synth_data.c - the tables behind the synthetic breach: names, nicknames,
 * places, streets, banks, mail domains and call-centre notes. Close to real
 * Dutch data; the frequencies are rough.
 */
#include <string.h>
#include <strings.h>

#include "synth_int.h"

#define LIST(a)                                                               \
    {                                                                         \
        a, sizeof(a) / sizeof((a)[0])                                         \
    }

const char *const synth_columns[SYNTH_NCOLUMNS] = {
    "record_id",
    "brand",
    "customer_number",
    "subscription_type",
    "first_name",
    "infix",
    "last_name",
    "street",
    "house_number",
    "house_number_suffix",
    "postcode",
    "city",
    "phone",
    "email",
    "iban",
    "birth_date",
    "id_doc_type",
    "id_doc_number",
    "id_doc_expiry",
    "vat_number",
    "contract_end",
    "notes",
};

/* ------------------------------------------------------------------ */
/* First names, most frequent first (the generator draws Zipf-like).  */

static const char *const nl_male[] = {
    "Jan",     "Peter",   "Kees",     "Henk",     "Willem",  "Gerrit",
    "Daan",    "Sem",     "Lucas",    "Dirk",     "Klaas",   "Wim",
    "Hans",    "Pieter",  "Jeroen",   "Martijn",  "Bas",     "Levi",
    "Finn",    "Luuk",    "Milan",    "Jesse",    "Bram",    "Thomas",
    "Tim",     "Lars",    "Thijs",    "Ruben",    "Niels",   "Stijn",
    "Rick",    "Mark",    "Sander",   "Dennis",   "Erik",    "Frank",
    "Marco",   "Michel",  "Patrick",  "Robert",   "Richard", "Rob",
    "Ronald",  "Paul",    "René",     "André",    "Noël",    "Joël",
    "Raphaël", "Michaël", "Mathijs",  "Gijs",     "Teun",    "Sven",
    "Koen",    "Joost",   "Maarten",  "Bart",     "Wouter",  "Vincent",
    "Jasper",  "Arjen",   "Arjan",    "Gert",     "Gerard",  "Theo",
    "Ton",     "Piet",    "Joop",     "Jaap",     "Koos",    "Ad",
    "Bert",    "Cor",     "Fred",     "Harry",    "Hein",    "Herman",
    "Jos",     "Leo",     "Marcel",   "Martin",   "Nico",    "Rien",
    "Rinus",   "Ruud",    "Sjaak",    "Noah",     "Liam",    "Julian",
    "Max",     "Adam",    "Siem",     "Noud",     "Jens",    "Tijn",
    "Hugo",    "Mats",    "Morris",   "Olivier",  "Dex",     "Ties",
    "Floris",  "Jurre",   "Boaz",     "Guus",     "Hidde",   "Jip",
    "Mick",    "Pepijn",  "Quinten",  "Rens",     "Sepp",    "Tygo",
    "Vince",   "Wessel",  "Yannick",  "Kevin",    "Mike",    "Roy",
    "Jordy",   "Björn",   "Jorrit",   "Remco",    "Edwin",   "Erwin",
    "Ferry",   "Hendrik", "Cornelis", "Johan",    "Dick",    "Evert",
    "Geert",   "Jelle",   "Sjoerd",   "Tjeerd",   "Wietse",  "Menno",
    "Pim",     "Stefan",  "Tom",      "Joris",    "Job",     "Mees",
    "Timo",    "Stan",    "Sjors",    "Jelmer",   "Youri",   "Dylan",
    "Ivo",     "Reinier", "Jochem",   "Gerben",   "Rutger",  "Diederik",
    "Laurens", "Pascal",  "Frits",    "Lodewijk",
};

static const char *const nl_female[] = {
    "Maria",   "Anna",      "Emma",      "Julia",      "Sophie",
    "Tess",    "Zoë",       "Linda",     "Sanne",      "Lisa",
    "Chloë",   "Noor",      "Sara",      "Lotte",      "Eva",
    "Fleur",   "Anouk",     "Anaïs",     "Daniëlle",   "Mariëtte",
    "Ilse",    "Iris",      "Monique",   "Marieke",    "Esther",
    "Petra",   "Ingrid",    "Karin",     "Sandra",     "Wendy",
    "Mirjam",  "Annemarie", "Ellen",     "Els",        "Ans",
    "Ria",     "Riet",      "Truus",     "Joke",       "Anneke",
    "Greet",   "Mien",      "Bep",       "Corrie",     "Tineke",
    "Wilma",   "Yvonne",    "Marjolein", "Saskia",     "Miranda",
    "Natasja", "Kim",       "Femke",     "Maaike",     "Willemijn",
    "Floor",   "Roos",      "Sofie",     "Jasmijn",    "Liv",
    "Mila",    "Yara",      "Nina",      "Lieke",      "Lynn",
    "Evi",     "Isa",       "Fenna",     "Maud",       "Jade",
    "Luna",    "Saar",      "Elin",      "Nora",       "Hannah",
    "Vera",    "Elise",     "Renée",     "Mariëlle",   "Ineke",
    "Hanneke", "Gerda",     "Marga",     "Henny",      "Hilde",
    "Jolanda", "Astrid",    "Brigitte",  "Carla",      "Debora",
    "Dianne",  "Elly",      "Erna",      "Esmée",      "Noëlle",
    "Feline",  "Gwen",      "Inge",      "Jacqueline", "Janneke",
    "José",    "Judith",    "Kirsten",   "Laura",      "Lonneke",
    "Manon",   "Marloes",   "Mieke",     "Nicole",     "Patricia",
    "Rianne",  "Rosa",      "Sabine",    "Simone",     "Suzanne",
    "Tamara",  "Tanja",     "Thea",      "Wies",       "Xandra",
    "Yvette",  "Zoey",      "Babette",   "Cato",       "Demi",
    "Eline",   "Geertje",   "Hester",    "Ida",        "Joëlle",
    "Lara",    "Merel",     "Nienke",    "Olga",       "Pien",
    "Rachel",  "Sterre",    "Tirza",     "Vivianne",   "Wietske",
    "Anja",    "Annet",     "Bianca",    "Claudia",    "Danielle",
    "Ester",   "Froukje",   "Heleen",    "Loes",       "Mirthe",
    "Irene",   "Margreet",  "Jantine",   "Lieve",      "Madelief",
};

static const char *const tr_male[] = {
    "Mehmet",  "Mustafa", "Ahmet",  "Ali",    "Hüseyin", "Hasan",
    "Murat",   "Gökhan",  "Emre",   "Burak",  "Kemal",   "Osman",
    "Yusuf",   "Ömer",    "Serkan", "Volkan", "Okan",    "Cem",
    "Can",     "Enes",    "Efe",    "Kerem",  "Barış",   "Tolga",
    "İbrahim", "Erdem",   "Onur",   "Uğur",   "Selim",   "Orhan",
};

static const char *const tr_female[] = {
    "Ayşe",    "Fatma", "Emine",  "Hatice", "Zeynep", "Elif",
    "Özlem",   "Gül",   "Derya",  "Esra",   "Büşra",  "Merve",
    "Selin",   "Tuğba", "Sibel",  "Hülya",  "Songül", "Şeyma",
    "Yasemin", "Ebru",  "Dilek",  "Nur",    "İrem",   "Cansu",
    "Aylin",   "Gizem", "Melike", "Nesrin", "Sevgi",  "Filiz",
};

static const char *const ma_male[] = {
    "Mohamed", "Youssef", "Ahmed",  "Said",   "Abdel",   "Mustafa",
    "Rachid",  "Hamid",   "Khalid", "Driss",  "Hassan",  "Karim",
    "Nourdin", "Bilal",   "Ayoub",  "Hamza",  "Anouar",  "Soufiane",
    "Ilias",   "Zakaria", "Mehdi",  "Othman", "Redouan", "Mimoun",
    "Jamal",   "Brahim",  "Tarik",  "Younes", "Adil",    "Nabil",
};

static const char *const ma_female[] = {
    "Fatima", "Khadija", "Naima",   "Samira",  "Malika",  "Aicha",
    "Nadia",  "Hanane",  "Latifa",  "Zineb",   "Meryem",  "Salma",
    "Imane",  "Hafsa",   "Soumaya", "Ikram",   "Loubna",  "Siham",
    "Houda",  "Yasmina", "Rajae",   "Najat",   "Hayat",   "Nora",
    "Karima", "Saida",   "Fadoua",  "Rachida", "Nisrine", "Ilham",
};

static const char *const sr_male[] = {
    "Radjesh", "Marlon",  "Rakesh", "Dinesh",   "Ravi",     "Sunil",
    "Anand",   "Prakash", "Glenn",  "Romano",   "Clarence", "Winston",
    "Ricardo", "Errol",   "Sergio", "Djoko",    "Soedarmo", "Ashwin",
    "Vikash",  "Sharvin", "Roel",   "Humphrey", "Iwan",     "Ramon",
};

static const char *const sr_female[] = {
    "Sunita",   "Anita",   "Shanti",  "Reshma",  "Kavita",    "Priya",
    "Sharda",   "Indira",  "Jessica", "Shirley", "Gracia",    "Natasja",
    "Sharmila", "Radha",   "Usha",    "Chandra", "Soemintra", "Astrid",
    "Rosita",   "Melissa", "Sarita",  "Ingrid",  "Germaine",  "Denise",
};

static const char *const id_male[] = {
    "Budi",   "Johny",  "Ronald", "Agus",  "Eddy",   "Frans",
    "Max",    "Dolf",   "Rudi",   "Benny", "Hengky", "Yopie",
    "Semuel", "Julius", "Wim",    "Nico",  "Elias",  "Markus",
};

static const char *const id_female[] = {
    "Dewi",  "Sri",     "Wati",  "Yvonne", "Lisa",  "Nelly",
    "Anita", "Jacoba",  "Mien",  "Grace",  "Maya",  "Ratna",
    "Ina",   "Juliana", "Sonja", "Tanja",  "Wilma", "Esther",
};

static const char *const pl_male[] = {
    "Łukasz",     "Piotr",    "Krzysztof", "Tomasz",  "Paweł",    "Michał",
    "Marcin",     "Jakub",    "Kamil",     "Mateusz", "Grzegorz", "Wojciech",
    "Dariusz",    "Bartosz",  "Adam",      "Marek",   "Rafał",    "Sebastian",
    "Przemysław", "Jarosław", "Andrzej",   "Szymon",  "Damian",   "Artur",
};

static const char *const pl_female[] = {
    "Małgorzata", "Katarzyna", "Agnieszka", "Anna",     "Joanna",
    "Magdalena",  "Monika",    "Ewa",       "Karolina", "Aleksandra",
    "Justyna",    "Dorota",    "Beata",     "Agata",    "Natalia",
    "Marta",      "Paulina",   "Sylwia",    "Izabela",  "Żaneta",
    "Renata",     "Barbara",   "Urszula",   "Grażyna",
};

const struct synth_list synth_first_names[SYNTH_NORIGINS][2] = {
    [SYNTH_NL] = {LIST(nl_male), LIST(nl_female)},
    [SYNTH_TR] = {LIST(tr_male), LIST(tr_female)},
    [SYNTH_MA] = {LIST(ma_male), LIST(ma_female)},
    [SYNTH_SR] = {LIST(sr_male), LIST(sr_female)},
    [SYNTH_ID] = {LIST(id_male), LIST(id_female)},
    [SYNTH_PL] = {LIST(pl_male), LIST(pl_female)},
};

/* ------------------------------------------------------------------ */
/* Surnames.                                                          */

const struct synth_surname synth_nl_surnames[] = {
    {"de", "Jong"},        {"", "Jansen"},        {"de", "Vries"},
    {"van den", "Berg"},   {"van", "Dijk"},       {"", "Bakker"},
    {"", "Janssen"},       {"", "Visser"},        {"", "Smit"},
    {"", "Meijer"},        {"de", "Boer"},        {"", "Mulder"},
    {"de", "Groot"},       {"", "Bos"},           {"", "Vos"},
    {"", "Peters"},        {"", "Hendriks"},      {"van", "Leeuwen"},
    {"", "Dekker"},        {"", "Brouwer"},       {"de", "Wit"},
    {"", "Dijkstra"},      {"", "Smits"},         {"de", "Graaf"},
    {"van der", "Meer"},   {"van der", "Linden"}, {"", "Kok"},
    {"", "Jacobs"},        {"de", "Haan"},        {"", "Vermeulen"},
    {"van den", "Heuvel"}, {"van der", "Veen"},   {"van den", "Broek"},
    {"de", "Bruijn"},      {"de", "Bruin"},       {"van der", "Heijden"},
    {"", "Schouten"},      {"van", "Beek"},       {"", "Willems"},
    {"van", "Vliet"},      {"van de", "Ven"},     {"", "Hoekstra"},
    {"", "Maas"},          {"", "Verhoeven"},     {"", "Koster"},
    {"van", "Dam"},        {"van der", "Wal"},    {"", "Prins"},
    {"", "Blom"},          {"", "Huisman"},       {"", "Peeters"},
    {"de", "Jonge"},       {"", "Kuipers"},       {"van", "Veen"},
    {"", "Post"},          {"", "Kuiper"},        {"", "Veenstra"},
    {"", "Kramer"},        {"van den", "Brink"},  {"", "Scholten"},
    {"van", "Wijk"},       {"", "Postma"},        {"", "Martens"},
    {"", "Vink"},          {"de", "Ruiter"},      {"", "Timmermans"},
    {"", "Groen"},         {"", "Gerritsen"},     {"", "Jonker"},
    {"van", "Loon"},       {"", "Boer"},          {"van der", "Velde"},
    {"", "Willemsen"},     {"", "Smeets"},        {"de", "Lange"},
    {"de", "Vos"},         {"", "Bosch"},         {"van", "Dongen"},
    {"", "Schipper"},      {"de", "Koning"},      {"van der", "Laan"},
    {"", "Koning"},        {"van der", "Velden"}, {"", "Driessen"},
    {"van", "Doorn"},      {"", "Hermans"},       {"", "Evers"},
    {"van den", "Bosch"},  {"van der", "Meulen"}, {"", "Hofman"},
    {"", "Bosman"},        {"", "Wolters"},       {"", "Sterk"},
    {"", "Mol"},           {"", "Verbeek"},       {"van", "Wijngaarden"},
    {"in 't", "Veld"},     {"van 't", "Hof"},     {"op de", "Beek"},
    {"ter", "Horst"},      {"ten", "Brink"},      {"te", "Riele"},
    {"van de", "Kamp"},    {"de la", "Court"},    {"'t", "Hart"},
    {"van", "Rijn"},       {"", "Kamphuis"},      {"", "Zwart"},
    {"", "Wouters"},       {"", "Hoogendoorn"},   {"", "Verweij"},
    {"", "Steenbergen"},   {"van", "Es"},         {"", "Pronk"},
    {"", "Rietveld"},      {"", "Bijl"},          {"van", "Zanten"},
    {"", "Kroon"},         {"ten", "Cate"},       {"ter", "Haar"},
    {"", "Oosterhuis"},    {"van", "Oosten"},     {"", "Haverkamp"},
    {"van", "Os"},         {"", "Kloosterman"},   {"de", "Kok"},
    {"van", "Gelder"},     {"", "Hoogland"},      {"van", "Houten"},
    {"", "Eijkelenboom"},  {"van 't", "Zand"},    {"op 't", "Hof"},
};
const size_t synth_nl_surnames_len =
    sizeof(synth_nl_surnames) / sizeof(synth_nl_surnames[0]);

static const char *const rare_prefix[] = {
    "Hoog",   "Ver",    "Brink",  "Oude",    "Groot", "Klein",  "Nieuw",
    "Wester", "Ooster", "Zuider", "Noorder", "Berg",  "Beek",   "Bos",
    "Dijk",   "Veen",   "Horst",  "Kamp",    "Molen", "Hof",    "Kerk",
    "Wit",    "Zwart",  "Rood",   "Hazel",   "Appel", "Linde",  "Eik",
    "Wil",    "Vlie",   "Zand",   "Hooge",   "Lange", "Korte",  "Bree",
    "Holt",   "Blok",   "Brug",   "Dam",     "Elsen", "Gras",   "Haver",
    "Heide",  "Hul",    "Kool",   "Kruis",   "Lam",   "Leeu",   "Mees",
    "Nij",    "Over",   "Pol",    "Ram",     "Riet",  "Schol",  "Slot",
    "Steen",  "Stroo",  "Ter",    "Til",     "Tuin",  "Vaart",  "Vee",
    "Vel",    "Vinke",  "Voor",   "Water",   "Weide", "Wolde",  "Zijl",
    "Buiten", "Achter", "Boven",  "Neder",   "Hemel", "Koe",    "Schaap",
    "Bolk",   "Dras",   "Esch",   "Gulde",   "Harde", "Jonk",   "Keizer",
    "Lub",    "Mars",   "Put",    "Rijs",    "Sloot", "Tjalle", "Uiter",
};

static const char *const rare_suffix[] = {
    "eveen",  "hoeven", "man",   "jans",   "kamp",   "horst", "beek",
    "dijk",   "berg",   "brink", "meijer", "ink",    "ing",   "huis",
    "houwer", "boom",   "stra",  "sma",    "inga",   "enga",  "ma",
    "werf",   "wijk",   "hout",  "land",   "mans",   "sen",   "kes",
    "stein",  "veld",   "bosch", "broek",  "kemper", "schot", "loo",
    "donk",   "riet",   "stede", "weerd",  "voort",  "laar",  "rade",
    "hage",   "heim",   "hoek",  "kate",   "molen",  "dorp",  "zijl",
    "dam",    "gaard",  "hof",   "hek",    "linde",  "ploeg", "vaart",
    "wal",    "waard",  "ema",   "enhuis", "erink",  "elink", "ers",
};

const struct synth_list synth_rare_prefix = LIST(rare_prefix);
const struct synth_list synth_rare_suffix = LIST(rare_suffix);

static const char *const tr_surnames[] = {
    "Yılmaz",   "Kaya",   "Demir", "Şahin",   "Çelik",  "Yıldız",
    "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan",
    "Kılıç",    "Aslan",  "Çetin", "Kara",    "Koç",    "Kurt",
    "Özkan",    "Şimşek", "Polat", "Erdoğan", "Güneş",  "Aksoy",
    "Korkmaz",  "Akın",   "Tekin", "Altun",   "Keskin", "Ünal",
    "Bulut",    "Karaca", "Güler", "Coşkun",  "Taş",    "Gündoğdu",
};

static const char *const ma_surnames[] = {
    "El Amrani",    "Ait Ahmed",   "Bouzid",     "El Idrissi",  "Benali",
    "Ben Ali",      "El Khattabi", "Bouali",     "Azzouzi",     "El Hamdaoui",
    "Aarab",        "Achahbar",    "Boukhari",   "El Bakkali",  "Amrani",
    "Ouali",        "Haddouchi",   "Tahiri",     "El Ouazzani", "Bennani",
    "Belhaj",       "Ait Taleb",   "Essafi",     "Ziani",       "Mansouri",
    "Boutaleb",     "Akrouh",      "El Hadioui", "Bousaid",     "Chaara",
    "El Moussaoui", "Laghmouchi",  "Ouchan",     "Abdellaoui",  "Ben Haddou",
};

static const char *const sr_surnames[] = {
    "Ramdin",      "Jagessar",    "Mahabier",     "Kromodimedjo",
    "Tjon A Fong", "Ramcharan",   "Sewnath",      "Ramsaran",
    "Baldewsingh", "Soekhlal",    "Bhagwandin",   "Mangroe",
    "Ramlal",      "Kartosen",    "Karsodikromo", "Pinas",
    "Wijngaarde",  "Amatmoekrim", "Biharie",      "Doerga",
    "Chin A Lien", "Tjin A Tsoi", "Lie A Ling",   "Sital",
    "Misiekaba",   "Kanhai",      "Lachman",      "Ramkisoen",
    "Resida",      "Sardjoe",     "Blufpand",     "Zeefuik",
    "Brunings",    "Sno",         "Jong A Kiem",
};

static const char *const id_surnames[] = {
    "Sahetapy",     "Pattiradjawane", "Wattimena",   "Latuhihin",  "Tuhumury",
    "Pattipeilohy", "Manuputty",      "Siahaya",     "Tahapary",   "Lokollo",
    "Pelupessy",    "Nanlohy",        "Tetelepta",   "Soselisa",   "Ririmasse",
    "Hehanussa",    "Lewerissa",      "Matulessy",   "Pattinama",  "Sopacua",
    "Siwabessy",    "Pesulima",       "Sahertian",   "Huwae",      "Tanasale",
    "Kartodirdjo",  "Soeparman",      "Wiradikarta", "Hadiwijono", "Leatemia",
};

/* Masculine forms; the generator makes -ski/-cki/-dzki feminine. */
static const char *const pl_surnames[] = {
    "Kowalski",    "Wiśniewski", "Wójcik",      "Dąbrowski", "Nowak",
    "Lewandowski", "Zieliński",  "Szymański",   "Woźniak",   "Kozłowski",
    "Jankowski",   "Mazur",      "Kwiatkowski", "Krawczyk",  "Kaczmarek",
    "Piotrowski",  "Grabowski",  "Pawłowski",   "Michalski", "Nowakowski",
    "Adamczyk",    "Dudek",      "Zając",       "Wieczorek", "Jabłoński",
    "Król",        "Majewski",   "Olszewski",   "Jaworski",  "Wróbel",
    "Malinowski",  "Górski",     "Sadowski",    "Zawadzki",  "Kamiński",
};

const struct synth_list synth_surnames[SYNTH_NORIGINS] = {
    [SYNTH_NL] = {NULL, 0},         [SYNTH_TR] = LIST(tr_surnames),
    [SYNTH_MA] = LIST(ma_surnames), [SYNTH_SR] = LIST(sr_surnames),
    [SYNTH_ID] = LIST(id_surnames), [SYNTH_PL] = LIST(pl_surnames),
};

const struct synth_wstr synth_infixes[] = {
    {"van", 30},   {"de", 25},     {"van der", 12}, {"van den", 10},
    {"van de", 8}, {"ter", 3},     {"ten", 3},      {"te", 2},
    {"in 't", 1},  {"op de", 1},   {"'t", 1},       {"van 't", 1},
    {"de la", 1},  {"van het", 1}, {"uit de", 1},   {"op 't", 1},
};
const size_t synth_infixes_len =
    sizeof(synth_infixes) / sizeof(synth_infixes[0]);

/* ------------------------------------------------------------------ */
/* Nicknames and spelling variants.                                   */

static const struct synth_nickname nicknames[] = {
    {"Johannes", {"Jan", "Hans", "Johan", "Joop", "Hannes", NULL}},
    {"Cornelis", {"Kees", "Cor", "Cees", "Niels", NULL}},
    {"Hendrik", {"Henk", "Henny", "Rik", "Henri", NULL}},
    {"Jacobus", {"Jaap", "Koos", "Jacob", "Co", NULL}},
    {"Petrus", {"Piet", "Peter", "Pieter", NULL}},
    {"Gerardus", {"Gerard", "Gert", "Gerrit", "Geert", NULL}},
    {"Adrianus", {"Adrie", "Janus", "Arie", "Ad", NULL}},
    {"Theodorus", {"Theo", "Ruud", "Dorus", NULL}},
    {"Wilhelmus", {"Wim", "Willem", "Pim", "Wil", NULL}},
    {"Antonius", {"Toon", "Ton", "Anton", "Teun", NULL}},
    {"Franciscus", {"Frans", "Frank", "Sjaak", NULL}},
    {"Josephus", {"Joop", "Jos", "Sjef", "Jozef", NULL}},
    {"Martinus", {"Martin", "Tinus", "Rinus", "Tijn", NULL}},
    {"Nicolaas", {"Klaas", "Niek", "Nico", NULL}},
    {"Gijsbertus", {"Gijs", "Bert", "Gijsbert", NULL}},
    {"Lambertus", {"Bert", "Lambert", "Bertus", NULL}},
    {"Albertus", {"Albert", "Bert", "Appie", NULL}},
    {"Abraham", {"Bram", "Abe", NULL}},
    {"Bartholomeus", {"Bart", "Bertus", NULL}},
    {"Christiaan", {"Chris", "Christian", NULL}},
    {"Alexander", {"Sander", "Alex", "Xander", NULL}},
    {"Hubertus", {"Huub", "Bert", "Hub", NULL}},
    {"Leonardus", {"Leo", "Leon", "Leen", NULL}},
    {"Everardus", {"Evert", "Eef", NULL}},
    {"Wilhelmina", {"Willy", "Mien", "Wilma", "Mina", NULL}},
    {"Elisabeth", {"Els", "Lies", "Bep", "Liesbeth", "Elise", NULL}},
    {"Margaretha", {"Greet", "Margriet", "Margo", "Grietje", NULL}},
    {"Catharina", {"Toos", "Ria", "Karin", "Tineke", "Trijntje", NULL}},
    {"Maria", {"Marie", "Mieke", "Marieke", "Ria", "Mia", NULL}},
    {"Johanna", {"Anneke", "Jo", "Hanneke", "Joke", "Hannie", NULL}},
    {"Adriana", {"Jeanne", "Adrie", "Janna", NULL}},
    {"Cornelia", {"Corrie", "Cor", "Nel", "Nelleke", "Cora", NULL}},
    {"Hendrika", {"Riek", "Rika", "Henny", "Riki", NULL}},
    {"Jacoba", {"Coby", "Co", "Jacqueline", "Koba", NULL}},
    {"Petronella", {"Nel", "Nelly", "Ellen", "Petra", NULL}},
    {"Geertruida", {"Truus", "Trudy", "Geertje", NULL}},
    {"Anna", {"Anja", "Anneke", "Ans", "Annie", NULL}},
    {"Gerarda", {"Gerda", "Gerrie", NULL}},
    {"Aleida", {"Leida", "Alie", NULL}},
    {"Francisca", {"Cisca", "Ciska", "Frances", NULL}},
    {"Theodora", {"Dora", "Thea", "Door", NULL}},
    {"Helena", {"Lenie", "Leni", "Heleen", "Lena", NULL}},
    {"Christina", {"Tina", "Stien", "Christien", NULL}},
    {"Josephina", {"Fien", "Josje", "José", NULL}},
    {"Mohammed", {"Mohamed", "Mo", "Mohammad", "Muhammad", NULL}},
    {"Abdelkader", {"Abdel", "Kader", NULL}},
    {"Mustapha", {"Mustafa", "Moestafa", NULL}},
    {"Youssef", {"Yusuf", "Joesef", "Youssouf", NULL}},
    {"Fatima", {"Fatma", "Fadma", "Fatiha", NULL}},
    {"Khadija", {"Khadidja", "Hadija", "Khadiza", NULL}},
    {"Aicha", {"Aïcha", "Aisha", "Aischa", NULL}},
    {"Mehmet", {"Memo", "Mehmed", NULL}},
    {"Ahmet", {"Ahmed", "Ahmad", NULL}},
    {"İbrahim", {"Ibrahim", "İbo", NULL}},
    {"Aleksander", {"Olek", "Alek", NULL}},
    {"Krzysztof", {"Krzysiek", "Chris", NULL}},
    {"Wojciech", {"Wojtek", NULL}},
    {"Tomasz", {"Tomek", NULL}},
    {"Grzegorz", {"Grzesiek", NULL}},
    {"Jakub", {"Kuba", NULL}},
    {"Małgorzata", {"Gosia", "Małgosia", NULL}},
    {"Katarzyna", {"Kasia", "Kaśka", NULL}},
    {"Aleksandra", {"Ola", NULL}},
    {"Agnieszka", {"Aga", NULL}},
    {"Magdalena", {"Magda", NULL}},
    {"Radjesh", {"Rajesh", "Radj", NULL}},
};

#define NNICK (sizeof(nicknames) / sizeof(nicknames[0]))

#define M 0
#define F 1
const unsigned char synth_nickname_female[] = {
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
    M, M, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F,
    M, M, M, M, F, F, F, M, M, M, M, M, M, M, M, M, F, F, F, F, F, M,
};
#undef M
#undef F

#define N SYNTH_NL
#define A SYNTH_MA
#define T SYNTH_TR
#define P SYNTH_PL
#define S SYNTH_SR
const unsigned char synth_nickname_origin[] = {
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
    A, A, A, A, A, A, A, T, T, T, P, P, P, P, P, P, P, P, P, P, P, S,
};
#undef N
#undef A
#undef T
#undef P
#undef S

_Static_assert(sizeof(synth_nickname_female) == NNICK,
               "nickname sex table out of step");
_Static_assert(sizeof(synth_nickname_origin) == NNICK,
               "nickname origin table out of step");

size_t
synth_nickname_count(void)
{
    return NNICK;
}

const struct synth_nickname *
synth_nickname_at(size_t i)
{
    return i < NNICK ? &nicknames[i] : NULL;
}

const struct synth_nickname *
synth_nickname_find(const char *formal)
{
    size_t i;

    for (i = 0; i < NNICK; i++)
        if (strcmp(nicknames[i].formal, formal) == 0)
            return &nicknames[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Places: postcode ranges (4-digit part) and landline area codes.    */
/* Weights are roughly the population in thousands.                   */

static const struct synth_city cities[] = {
    {"Amsterdam", NULL, 1011, 1109, "020", 930},
    {"Rotterdam", NULL, 3011, 3089, "010", 660},
    {"Den Haag", "'s-Gravenhage", 2491, 2597, "070", 560},
    {"Utrecht", NULL, 3511, 3585, "030", 370},
    {"Eindhoven", NULL, 5611, 5658, "040", 240},
    {"Groningen", NULL, 9711, 9747, "050", 240},
    {"Tilburg", NULL, 5011, 5049, "013", 225},
    {"Almere", NULL, 1311, 1363, "036", 220},
    {"Breda", NULL, 4811, 4841, "076", 185},
    {"Nijmegen", NULL, 6511, 6546, "024", 180},
    {"Apeldoorn", NULL, 7311, 7339, "055", 165},
    {"Arnhem", NULL, 6811, 6846, "026", 165},
    {"Haarlem", NULL, 2011, 2037, "023", 165},
    {"Enschede", NULL, 7511, 7548, "053", 160},
    {"Amersfoort", NULL, 3811, 3829, "033", 160},
    {"'s-Hertogenbosch", "Den Bosch", 5211, 5237, "073", 160},
    {"Zaandam", NULL, 1501, 1509, "075", 80},
    {"Zoetermeer", NULL, 2711, 2729, "079", 125},
    {"Zwolle", NULL, 8011, 8043, "038", 130},
    {"Leiden", NULL, 2311, 2334, "071", 125},
    {"Maastricht", NULL, 6211, 6229, "043", 120},
    {"Dordrecht", NULL, 3311, 3329, "078", 120},
    {"Ede", NULL, 6711, 6718, "0318", 75},
    {"Alphen aan den Rijn", NULL, 2401, 2409, "0172", 75},
    {"Naaldwijk", NULL, 2671, 2673, "0174", 35},
    {"Alkmaar", NULL, 1811, 1827, "072", 110},
    {"Emmen", NULL, 7811, 7833, "0591", 60},
    {"Delft", NULL, 2611, 2629, "015", 105},
    {"Venlo", NULL, 5911, 5932, "077", 60},
    {"Deventer", NULL, 7411, 7429, "0570", 100},
    {"Leeuwarden", "Ljouwert", 8911, 8941, "058", 125},
    {"Helmond", NULL, 5701, 5709, "0492", 90},
    {"Hilversum", NULL, 1211, 1223, "035", 90},
    {"Heerlen", NULL, 6411, 6422, "045", 87},
    {"Oss", NULL, 5341, 5349, "0412", 60},
    {"Amstelveen", NULL, 1181, 1189, "020", 90},
    {"Sittard", NULL, 6131, 6137, "046", 45},
    {"Hoorn", NULL, 1621, 1628, "0229", 73},
    {"Purmerend", NULL, 1441, 1448, "0299", 80},
    {"Schiedam", NULL, 3111, 3125, "010", 80},
    {"Spijkenisse", NULL, 3201, 3209, "0181", 72},
    {"Lelystad", NULL, 8211, 8245, "0320", 80},
    {"Vlaardingen", NULL, 3131, 3138, "010", 74},
    {"Gouda", NULL, 2801, 2809, "0182", 73},
    {"Hengelo", NULL, 7551, 7559, "074", 81},
    {"Roosendaal", NULL, 4701, 4709, "0165", 77},
    {"Almelo", NULL, 7601, 7609, "0546", 73},
    {"Capelle aan den IJssel", NULL, 2901, 2909, "010", 67},
    {"Nieuwegein", NULL, 3431, 3439, "030", 63},
    {"Veenendaal", NULL, 3901, 3907, "0318", 66},
    {"Katwijk", NULL, 2221, 2226, "071", 66},
    {"Assen", NULL, 9401, 9409, "0592", 69},
    {"Bergen op Zoom", NULL, 4611, 4625, "0164", 68},
    {"Zeist", NULL, 3701, 3709, "030", 65},
    {"Hardenberg", NULL, 7771, 7773, "0523", 61},
    {"Roermond", NULL, 6041, 6047, "0475", 58},
    {"Oosterhout", NULL, 4901, 4909, "0162", 56},
    {"Den Helder", NULL, 1781, 1789, "0223", 56},
    {"Doetinchem", NULL, 7001, 7009, "0314", 58},
    {"Barneveld", NULL, 3771, 3774, "0342", 60},
    {"Kampen", NULL, 8261, 8266, "038", 54},
    {"Heerhugowaard", NULL, 1701, 1707, "072", 58},
    {"Woerden", NULL, 3441, 3449, "0348", 52},
    {"Vlissingen", NULL, 4381, 4388, "0118", 45},
    {"Middelburg", NULL, 4331, 4339, "0118", 49},
    {"Goes", NULL, 4461, 4465, "0113", 38},
    {"Terneuzen", NULL, 4531, 4539, "0115", 54},
    {"Harderwijk", NULL, 3841, 3849, "0341", 48},
    {"Houten", NULL, 3991, 3995, "030", 50},
    {"Rijswijk", NULL, 2281, 2289, "070", 55},
    {"Hoogeveen", NULL, 7901, 7908, "0528", 56},
    {"Weert", NULL, 6001, 6006, "0495", 50},
    {"Waalwijk", NULL, 5141, 5146, "0416", 48},
    {"Leidschendam", NULL, 2261, 2267, "070", 77},
    {"Ridderkerk", NULL, 2981, 2987, "0180", 46},
    {"Beverwijk", NULL, 1941, 1948, "0251", 41},
    {"Heemskerk", NULL, 1961, 1969, "0251", 39},
    {"Zutphen", NULL, 7201, 7207, "0575", 48},
    {"Tiel", NULL, 4001, 4007, "0344", 42},
    {"Soest", NULL, 3761, 3769, "035", 46},
    {"Nijkerk", NULL, 3861, 3864, "033", 43},
    {"Wageningen", NULL, 6701, 6709, "0317", 39},
    {"Veghel", NULL, 5461, 5467, "0413", 38},
    {"Uden", NULL, 5401, 5406, "0413", 42},
    {"Sneek", "Snits", 8601, 8608, "0515", 34},
    {"Drachten", NULL, 9201, 9207, "0512", 45},
    {"Heerenveen", NULL, 8441, 8448, "0513", 50},
    {"Meppel", NULL, 7941, 7944, "0522", 34},
    {"Winterswijk", NULL, 7101, 7109, "0543", 29},
    {"Culemborg", NULL, 4101, 4108, "0345", 29},
    {"Gorinchem", NULL, 4201, 4208, "0183", 37},
    {"Zaltbommel", NULL, 5301, 5308, "0418", 29},
    {"Valkenswaard", NULL, 5551, 5556, "040", 31},
    {"Veldhoven", NULL, 5501, 5509, "040", 45},
    {"Geldrop", NULL, 5661, 5667, "040", 29},
    {"Kerkrade", NULL, 6461, 6471, "045", 45},
    {"Geleen", NULL, 6161, 6167, "046", 32},
    {"Venray", NULL, 5801, 5809, "0478", 44},
    {"Bussum", NULL, 1401, 1406, "035", 33},
    {"Huizen", NULL, 1271, 1277, "035", 41},
    {"Weesp", NULL, 1381, 1384, "0294", 20},
    {"IJmuiden", NULL, 1971, 1976, "0255", 37},
    {"Castricum", NULL, 1901, 1903, "0251", 25},
    {"Enkhuizen", NULL, 1601, 1602, "0228", 18},
    {"Medemblik", NULL, 1671, 1672, "0227", 10},
    {"Schagen", NULL, 1741, 1742, "0224", 19},
    {"Den Burg", NULL, 1791, 1791, "0222", 7},
    {"Bolsward", "Boalsert", 8701, 8702, "0515", 10},
    {"Franeker", "Frjentsjer", 8801, 8802, "0517", 13},
    {"Harlingen", "Harns", 8861, 8862, "0517", 16},
    {"Dokkum", NULL, 9101, 9104, "0519", 13},
    {"Stadskanaal", NULL, 9501, 9503, "0599", 31},
    {"Veendam", NULL, 9641, 9648, "0598", 27},
    {"Winschoten", NULL, 9671, 9675, "0597", 18},
    {"Delfzijl", NULL, 9931, 9936, "0596", 24},
    {"Hoogezand", NULL, 9601, 9603, "0598", 21},
    {"Coevorden", NULL, 7741, 7742, "0524", 14},
    {"Steenwijk", NULL, 8331, 8336, "0521", 17},
    {"Emmeloord", NULL, 8301, 8309, "0527", 27},
    {"Raalte", NULL, 8101, 8103, "0572", 20},
    {"Oldenzaal", NULL, 7571, 7577, "0541", 32},
    {"Rijssen", NULL, 7461, 7463, "0548", 28},
    {"Nijverdal", NULL, 7441, 7443, "0548", 24},
    {"Epe", NULL, 8161, 8162, "0578", 15},
    {"Elburg", NULL, 8081, 8082, "0525", 12},
    {"Wijchen", NULL, 6601, 6605, "024", 41},
    {"Boxmeer", NULL, 5831, 5836, "0485", 13},
    {"Cuijk", NULL, 5431, 5435, "0485", 18},
    {"Boxtel", NULL, 5281, 5283, "0411", 31},
    {"Oisterwijk", NULL, 5061, 5062, "013", 26},
    {"Dongen", NULL, 5101, 5106, "0162", 26},
    {"Etten-Leur", NULL, 4871, 4876, "076", 44},
    {"Hulst", NULL, 4561, 4562, "0114", 10},
    {"Zierikzee", NULL, 4301, 4302, "0111", 11},
    {"Brielle", NULL, 3231, 3232, "0181", 17},
    {"Hellevoetsluis", NULL, 3221, 3227, "0181", 40},
    {"Maassluis", NULL, 3141, 3146, "010", 33},
    {"Papendrecht", NULL, 3351, 3356, "078", 32},
    {"Sliedrecht", NULL, 3361, 3364, "0184", 25},
    {"Leerdam", NULL, 4141, 4143, "0345", 21},
    {"Vianen", NULL, 4131, 4133, "0347", 20},
    {"IJsselstein", NULL, 3401, 3404, "030", 34},
    {"Maarssen", NULL, 3601, 3607, "0346", 40},
    {"Bunschoten", NULL, 3751, 3754, "033", 22},
    {"Baarn", NULL, 3741, 3744, "035", 25},
    {"Naarden", NULL, 1411, 1412, "035", 17},
    {"Lisse", NULL, 2161, 2163, "0252", 23},
    {"Noordwijk", NULL, 2201, 2204, "071", 26},
    {"Voorschoten", NULL, 2251, 2253, "071", 25},
    {"Wassenaar", NULL, 2241, 2245, "070", 27},
    {"Waddinxveen", NULL, 2741, 2743, "0182", 28},
    {"Krimpen aan den IJssel", NULL, 2921, 2926, "0180", 29},
    {"Barendrecht", NULL, 2991, 2994, "0180", 49},
    {"Hendrik-Ido-Ambacht", NULL, 3341, 3344, "078", 31},
    {"Zwijndrecht", NULL, 3331, 3335, "078", 45},
    {"Zevenaar", NULL, 6901, 6905, "0316", 33},
    {"Valkenburg", NULL, 6301, 6305, "043", 16},
    {"Brunssum", NULL, 6441, 6446, "045", 28},
    {"Landgraaf", NULL, 6371, 6375, "045", 37},
    {"Hoofddorp", NULL, 2131, 2136, "023", 80},
    {"Tegelen", NULL, 5931, 5935, "077", 19},
    {"Urk", NULL, 8321, 8323, "0527", 21},
    {"Vaals", NULL, 6291, 6295, "043", 10},
};

#define NCITY (sizeof(cities) / sizeof(cities[0]))

size_t
synth_city_count(void)
{
    return NCITY;
}

const struct synth_city *
synth_city_at(size_t i)
{
    return i < NCITY ? &cities[i] : NULL;
}

const struct synth_city *
synth_city_find(const char *name)
{
    size_t i;

    for (i = 0; i < NCITY; i++) {
        if (strcasecmp(cities[i].name, name) == 0)
            return &cities[i];
        if (cities[i].alias != NULL && strcasecmp(cities[i].alias, name) == 0)
            return &cities[i];
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Streets, suffixes, mail, banks.                                    */

static const char *const streets[] = {
    "Kerkstraat",
    "Dorpsstraat",
    "Molenweg",
    "Stationsweg",
    "Julianastraat",
    "Beatrixlaan",
    "Schoolstraat",
    "Hoofdstraat",
    "Wilhelminastraat",
    "Nieuwstraat",
    "Kastanjelaan",
    "Eikenlaan",
    "Lindenlaan",
    "Beukenlaan",
    "Emmastraat",
    "Oranjestraat",
    "Prins Bernhardstraat",
    "Prinses Irenestraat",
    "Industrieweg",
    "Parallelweg",
    "Marktstraat",
    "Tuinstraat",
    "Sportlaan",
    "Zuideinde",
    "Noordeinde",
    "Havenstraat",
    "Van Goghstraat",
    "Rembrandtlaan",
    "Vondelstraat",
    "Mozartlaan",
    "Merelstraat",
    "Lijsterstraat",
    "Vinkenstraat",
    "Meidoornstraat",
    "Acacialaan",
    "Rozenstraat",
    "Tulpstraat",
    "Narcissenstraat",
    "Dahliastraat",
    "Populierenlaan",
    "Wilgenlaan",
    "Berkenlaan",
    "Esdoornlaan",
    "Zandweg",
    "Veldweg",
    "Broekweg",
    "Achterweg",
    "Brinkstraat",
    "Jan Steenstraat",
    "Frans Halsstraat",
    "Vermeerstraat",
    "Ruysdaelstraat",
    "De Ruyterstraat",
    "Piet Heinstraat",
    "Tromplaan",
    "Karel Doormanstraat",
    "Van Speijkstraat",
    "Thorbeckestraat",
    "Da Costastraat",
    "Bilderdijkstraat",
    "Koningin Julianaweg",
    "Plein 1944",
    "Oudegracht",
    "Nieuwe Haven",
    "Singel",
    "Herengracht",
    "Keizersgracht",
    "Prinsengracht",
    "Bloemgracht",
    "Koningsweg",
    "Graaf Florisstraat",
    "Willem de Zwijgerlaan",
    "Generaal Foulkesweg",
    "Burgemeester Roelenweg",
    "Pastoor van Arskerkstraat",
    "Anne Frankstraat",
    "Hugo de Grootstraat",
    "2e Hugo de Grootstraat",
    "Eerste Kruisstraat",
    "Laan van Meerdervoort",
    "'s-Gravendijkwal",
    "Zuidplein",
    "Westersingel",
    "Oosterstraat",
    "Westerstraat",
    "Noorderstraat",
    "Kanaalweg",
    "Dijkstraat",
    "Polderweg",
    "Slotlaan",
    "Kloosterstraat",
    "Burgemeester de Withstraat",
    "Van der Helststraat",
    "Ten Katestraat",
    "Johan de Wittlaan",
    "Koninginneweg",
    "Admiraal de Ruijterweg",
    "Kortenaerstraat",
    "Hobbemastraat",
    "Pieter Calandlaan",
    "Lange Nieuwstraat",
    "Korte Kerkstraat",
    "Achter de Hoven",
    "Bij de Put",
    "Het Want",
    "De Gaffel",
    "Boterbloem",
    "Klaproos",
    "Zonnebloemstraat",
    "Irisstraat",
    "Leliestraat",
    "Goudsbloemlaan",
    "Heideweg",
    "Bosweg",
    "Parkweg",
    "Ringbaan-Oost",
    "Ringbaan-West",
    "Europalaan",
    "Amstelveenseweg",
};

const struct synth_list synth_streets = LIST(streets);

/* Weighted by repetition: A and B most often. */
static const char *const suffixes[] = {
    "A",  "A",  "A",   "A",  "A",   "A",     "B", "B", "B", "B",
    "C",  "C",  "bis", "1",  "1",   "1",     "2", "2", "2", "hs",
    "hs", "hs", "I",   "II", "III", "-rood", "3", "D",
};

const struct synth_list synth_suffixes = LIST(suffixes);

const struct synth_wstr synth_mail_domains[] = {
    {"gmail.com", 30}, {"hotmail.com", 22}, {"outlook.com", 8},
    {"live.nl", 6},    {"ziggo.nl", 7},     {"kpnmail.nl", 6},
    {"planet.nl", 3},  {"home.nl", 3},      {"xs4all.nl", 2},
    {"icloud.com", 4}, {"yahoo.com", 3},    {"hetnet.nl", 3},
    {"casema.nl", 2},  {"upcmail.nl", 1},   {"hotmail.nl", 2},
};
const size_t synth_mail_domains_len =
    sizeof(synth_mail_domains) / sizeof(synth_mail_domains[0]);

const struct synth_wstr synth_nl_banks[] = {
    {"INGB", 36}, {"ABNA", 22}, {"RABO", 24}, {"SNSB", 6}, {"TRIO", 2},
    {"ASNB", 2},  {"KNAB", 2},  {"BUNQ", 3},  {"RBRB", 1}, {"FVLB", 1},
    {"HAND", 1},  {"NNBA", 1},  {"REVO", 1},
};
const size_t synth_nl_banks_len =
    sizeof(synth_nl_banks) / sizeof(synth_nl_banks[0]);

static const char *const de_blz[] = {
    "10010010", "37040044", "50010517", "12030000", "20041133",
    "70150000", "10070024", "43060967", "30050110", "60050101",
};

const struct synth_list synth_de_blz = LIST(de_blz);

static const char *const handles[] = {
    "zonnetje",    "voetbalfan",    "kaaskop",    "tijgertje",
    "snoepje",     "prinsesje",     "bikerboy",   "gamer",
    "duikertje",   "zeilster",      "kabouter",   "vlindertje",
    "stoerebink",  "paardenmeisje", "fietsfreak", "ajaxfan",
    "feyenoorder", "psvfan",        "zomerkind",  "zeeuwsmeisje",
    "brabander",   "friesje",       "tukker",     "limbo",
    "bolleboos",   "knuffelbeer",   "dropje",     "hondenmens",
    "kattenvrouw", "vissertje",
};

const struct synth_list synth_handles = LIST(handles);

static const char *const stray_nicks[] = {
    "Sjonnie", "Bolle", "de Kapper", "Ome",       "Tante",
    "Stoffel", "Manke", "Rooie",     "de Bakker", "Kleine",
};

const struct synth_list synth_stray_nicks = LIST(stray_nicks);

/* ------------------------------------------------------------------ */
/* Call-centre notes. Commas, quotes and line breaks on purpose.      */

static const char *const notes[] = {
    "Klant belt over factuur",
    "Verhuisd, nieuw adres doorgegeven",
    "Wil geen telemarketing",
    "Klant vraagt naar opzegtermijn, \"denkt erover na\"",
    "Storing internet gemeld, monteur ingepland",
    "Toestel defect, omruil aangevraagd",
    "Klant ontevreden over bereik binnenshuis",
    "Betaling mislukt, herinnering verstuurd",
    "Nummerbehoud aangevraagd",
    "Klacht over roamingkosten, creditnota 12,50 euro",
    "Simkaart geblokkeerd na verlies",
    "Teruggebeld ivm modem, probleem opgelost",
    "Wil overstappen naar sim-only",
    "Contract verlengd met 2 jaar",
    "Klant belt namens moeder, geen machtiging",
    "Adres bevestigd\nPostcode was onjuist",
    "Klant geeft aan: \"nooit meer bellen\"",
    "Factuuradres gewijzigd, zie ticket 48213",
    "Bundel opgehoogd, 10 GB extra",
    "Nieuw rekeningnummer doorgegeven",
    "Opzegging ontvangen per brief",
    "Welkomstpakket niet ontvangen",
    "Dubbele afschrijving, terugbetaling gedaan",
    "Klant spreekt alleen Engels",
    "Graag terugbellen na 17:00",
    "Klant wil factuur op papier",
    "Monteur stond voor een dichte deur,\nnieuwe afspraak gemaakt",
    "Korting 3 maanden gegeven i.v.m. storing",
    "Zakelijke aansluiting, contactpersoon wijzigt",
    "Klant wil geen post meer, alleen e-mail",
    "Wachtwoord Mijn-omgeving gereset",
    "Nummer geport van andere provider",
    "Klant is het niet eens met de verhoging: \"onterecht\"",
    "TV-pakket uitgebreid met sport",
    "Klant heeft voicemail uitgezet",
    "Router vervangen; oude retour via PostNL",
    "Klant belde 3x, wachttijd te lang",
    "Kortingscode niet verwerkt, handmatig gecorrigeerd",
    "Extra simkaart voor dochter",
    "Verhuizing per 1 maart\r\nnieuw adres volgt",
    "Klant vraagt waarom \"de prijs\" omhoog gaat",
    "Klant tevreden, geen actie",
    "Terugbelverzoek: klant was niet bereikbaar",
    "Abonnement omgezet, ingangsdatum volgende maand",
    "Klant zegt: 'ik heb nooit getekend'",
};

const struct synth_list synth_notes = LIST(notes);

static const char *const notes_sensitive[] = {
    "Klant is ernstig ziek, coulance toegepast",
    "Klant ligt in het ziekenhuis, dochter belt namens haar",
    "Klant heeft psychische klachten, rustig benaderen",
    "Chemotherapie, betaling in overleg uitgesteld",
    "Betalingsregeling afgesproken, schuldhulpverlening",
    "Klant onder bewind: post naar bewindvoerder",
    "Klant in schuldsanering (WSNP), incasso gestopt",
    "Slachtoffer huiselijk geweld: adres NIET doorgeven",
    "Klant wordt gestalkt door ex, geheim nummer aangevraagd",
    "Verblijft in opvang, adres niet delen",
    "Politie heeft gegevens opgevraagd",
    "Vordering OM ontvangen, gegevens verstrekt",
    "Klant gedetineerd, abonnement opgeschort",
};

const struct synth_list synth_notes_sensitive = LIST(notes_sensitive);

static const char *const bsn_pre[] = {
    "BSN ",
    "Klant gaf burgerservicenummer ",
    "ID gecontroleerd, bsn: ",
    "Sofinummer ",
};

static const char *const bsn_post[] = {
    " genoteerd bij verificatie",
    " op ter verificatie",
    "",
    " (volgens klant)",
};

const struct synth_list synth_bsn_note_pre = LIST(bsn_pre);
const struct synth_list synth_bsn_note_post = LIST(bsn_post);
