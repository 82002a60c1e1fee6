package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// demoExpertMembers are the demo network's experts and resource persons
// who are not in demoNetwork: consultants, lawyers, bankers and former
// company leaders of the Hauts-de-France. Every name is invented.
var demoExpertMembers = []demoMember{
	{"francois", "François Dubrulle", RoleExpert, Company{Name: "Dubrulle RH Conseil", Sector: "Cabinet de recrutement", Headcount: 5, City: "Lille", FoundedYear: 2008}},
	{"mathilde", "Mathilde Verhaeghe", RoleExpert, Company{Name: "Compétences Partagées", Sector: "Groupement d'employeurs", Headcount: 34, City: "Lens", FoundedYear: 2012}},
	{"yassine", "Yassine Amrani", RoleExpert, Company{Name: "Amrani Avocats", Sector: "Droit social", Headcount: 7, City: "Valenciennes", FoundedYear: 2014}},
	{"agnes", "Agnès Lecomte", RoleExpert, Company{Name: "Cabinet Lecomte Expertise", Sector: "Expertise comptable", Headcount: 18, City: "Douai", FoundedYear: 1999}},
	{"bertrand", "Bertrand Vanhove", RoleExpert, Company{Name: "Vanhove Fiscalité & Patrimoine", Sector: "Conseil fiscal", Headcount: 4, City: "Marcq-en-Barœul", FoundedYear: 2010}},
	{"caroline", "Caroline Desmet", RoleExpert, Company{Name: "Nord Capital Partenaires", Sector: "Conseil en financement", Headcount: 6, City: "Lille", FoundedYear: 2015}},
	{"etienne", "Étienne Caudron", RoleExpert, Company{Name: "Caudron Finance Conseil", Sector: "Conseil en financement", Headcount: 2, City: "Arras", FoundedYear: 2019}},
	{"nathalie", "Nathalie Bourgeois", RoleExpert, Company{Name: "Énergie Efficace Conseil", Sector: "Ingénierie énergétique", Headcount: 9, City: "Amiens", FoundedYear: 2011}},
	{"guillaume", "Guillaume Pruvost", RoleExpert, Company{Name: "Solaire des Flandres", Sector: "Énergie solaire", Headcount: 22, City: "Bailleul", FoundedYear: 2013}},
	{"sandrine", "Sandrine Wattel", RoleExpert, Company{Name: "Achats Plus Conseil", Sector: "Conseil en achats", Headcount: 3, City: "Villeneuve-d'Ascq", FoundedYear: 2017}},
	{"laurent", "Laurent Deneuville", RoleExpert, Company{Name: "Deneuville Export Services", Sector: "Commerce international", Headcount: 8, City: "Dunkerque", FoundedYear: 2006}},
	{"ines", "Inès Boukhari", RoleExpert, Company{Name: "Opale Trade", Sector: "Commission en douane", Headcount: 26, City: "Calais", FoundedYear: 2003}},
	{"kevin", "Kévin Lambert", RoleExpert, Company{Name: "Cyberveille Hauts-de-France", Sector: "Cybersécurité", Headcount: 11, City: "Lille", FoundedYear: 2018}},
	{"aurelie", "Aurélie Masson", RoleExpert, Company{Name: "Masson Conseil SI", Sector: "Conseil en systèmes d'information", Headcount: 3, City: "Compiègne", FoundedYear: 2016}},
	{"damien", "Damien Roger", RoleExpert, Company{Name: "Numérique Partagé", Sector: "Services informatiques", Headcount: 14, City: "Saint-Quentin", FoundedYear: 2012}},
	{"emilie", "Émilie Carré", RoleExpert, Company{Name: "RSE en Actions", Sector: "Conseil en RSE", Headcount: 4, City: "Lille", FoundedYear: 2020}},
	{"hugo", "Hugo Dhalluin", RoleExpert, Company{Name: "Circulaire & Co", Sector: "Économie circulaire", Headcount: 6, City: "Tourcoing", FoundedYear: 2019}},
	{"veronique", "Véronique Lefranc", RoleExpert, Company{Name: "Transmettre en Hauts-de-France", Sector: "Cession et reprise d'entreprises", Headcount: 3, City: "Cambrai", FoundedYear: 2015}},
	{"jean-marc", "Jean-Marc Degroote", RoleExpert, Company{Name: "Degroote Conseil", Sector: "Conseil aux dirigeants", Headcount: 1, City: "Saint-Omer", FoundedYear: 2020}},
	{"clementine", "Clémentine Noël", RoleExpert, Company{Name: "Agence Clic Nord", Sector: "Marketing digital", Headcount: 12, City: "Roubaix", FoundedYear: 2014}},
	{"maxime", "Maxime Hennebert", RoleExpert, Company{Name: "Hennebert Développement Commercial", Sector: "Conseil commercial", Headcount: 2, City: "Lens", FoundedYear: 2018}},
	{"patricia", "Patricia Lemoine", RoleExpert, Company{Name: "Lemoine Management & Coaching", Sector: "Coaching de dirigeants", Headcount: 3, City: "Lambersart", FoundedYear: 2009}},
	{"sebastien", "Sébastien Dumortier", RoleExpert, Company{Name: "Flux Logistique Conseil", Sector: "Conseil en logistique", Headcount: 5, City: "Lesquin", FoundedYear: 2013}},
	{"valerie", "Valérie Ducrocq", RoleExpert, Company{Name: "Ducrocq Immobilier d'Entreprise", Sector: "Immobilier d'entreprise", Headcount: 10, City: "Lille", FoundedYear: 2005}},
	{"alexandre", "Alexandre Poulain", RoleExpert, Company{Name: "Innov'Nord", Sector: "Conseil en innovation", Headcount: 7, City: "Villeneuve-d'Ascq", FoundedYear: 2016}},
	{"cecile", "Cécile Ramette", RoleExpert, Company{Name: "Cabinet Ramette", Sector: "Propriété industrielle", Headcount: 9, City: "Lille", FoundedYear: 2002}},
	{"thierry", "Thierry Bouchez", RoleExpert, Company{Name: "Bouchez Assurances", Sector: "Courtage en assurances", Headcount: 15, City: "Béthune", FoundedYear: 1992}},
	{"juliette", "Juliette Ledoux", RoleExpert, Company{Name: "Qualité Nord Conseil", Sector: "Conseil en qualité", Headcount: 4, City: "Maubeuge", FoundedYear: 2011}},
	{"romain", "Romain Delcroix", RoleExpert, Company{Name: "Prévention & Santé au Travail", Sector: "Ergonomie", Headcount: 6, City: "Liévin", FoundedYear: 2017}},
	{"florence", "Florence Mahieu", RoleExpert, Company{Name: "Mahieu Formation", Sector: "Organisme de formation", Headcount: 8, City: "Compiègne", FoundedYear: 2007}},
	{"arnaud", "Arnaud Couvreur", RoleExpert, Company{Name: "Industrie du Futur Conseil", Sector: "Ingénierie de production", Headcount: 5, City: "Valenciennes", FoundedYear: 2015}},
	{"delphine", "Delphine Blondel", RoleExpert, Company{Name: "Blondel Gestion", Sector: "Contrôle de gestion", Headcount: 1, City: "Beauvais", FoundedYear: 2019}},
	{"frederic", "Frédéric Lagache", RoleExpert, Company{Name: "Lagache Avocats", Sector: "Droit commercial", Headcount: 6, City: "Amiens", FoundedYear: 2008}},
	{"samia", "Samia Benkhelifa", RoleExpert, Company{Name: "Diversité & Emploi Nord", Sector: "Insertion professionnelle", Headcount: 12, City: "Roubaix", FoundedYear: 2010}},
	{"gregoire", "Grégoire Tison", RoleExpert, Company{Name: "Tison Conseil Agroalimentaire", Sector: "Conseil agroalimentaire", Headcount: 2, City: "Arras", FoundedYear: 2016}},
	{"melanie", "Mélanie Coppin", RoleExpert, Company{Name: "Coppin Communication", Sector: "Communication", Headcount: 4, City: "Boulogne-sur-Mer", FoundedYear: 2012}},
	{"vincent", "Vincent Hochart", RoleExpert, Company{Name: "Hochart Transport Conseil", Sector: "Conseil en transport", Headcount: 3, City: "Lesquin", FoundedYear: 2021}},
	{"anne-sophie", "Anne-Sophie Verdier", RoleExpert, Company{Name: "Verdier Associés", Sector: "Banque d'affaires", Headcount: 9, City: "Lille", FoundedYear: 2011}},
	{"benoit", "Benoît Wallart", RoleExpert, Company{Name: "Wallart Conseil", Sector: "Conseil aux dirigeants", Headcount: 1, City: "Tourcoing", FoundedYear: 2018}},
}

// demoExpert is the profile of one demo expert, as the form takes it:
// windows as an expert types them, notice in hours, buffer in minutes.
type demoExpert struct {
	id             UserID
	domains, bio   string
	langs, formats string
	capacity       int
	windows        string
	notice, buffer int
}

// Formats and languages of the demo, as the form's checkboxes send them.
const (
	demoAll       = "visio\npresentiel\ntelephone"
	demoVisio     = "visio\ntelephone"
	demoOnSite    = "visio\npresentiel"
	demoFrench    = "fr"
	demoBilingual = "fr\nen"
)

var demoExperts = []demoExpert{
	{"helene", "stratégie, mutualisation des fonctions support, management",
		"Ancienne directrice générale d'une PME industrielle, j'accompagne les dirigeants qui veulent prendre du recul sur leur stratégie. J'anime aussi des démarches de mutualisation des fonctions support entre entreprises voisines : achats, informatique, paie.",
		demoFrench, demoAll, 4, "mardi 14h-17h, jeudi 9h-12h", 48, 15},
	{"olivier", "économie de la fonctionnalité, économie circulaire, stratégie",
		"Je guide les entreprises qui passent de la vente de produits à la vente d'usages et de performances : c'est le cœur de l'économie de la fonctionnalité et de la coopération. Diagnostic du modèle économique, premiers contrats à la performance, coopérations avec les acteurs du territoire.",
		demoFrench, demoOnSite, 3, "lundi 9h-12h, mercredi 14h–18h", 72, 30},
	{"sophie", "droit des affaires, droit social, transmission d'entreprise",
		"Avocate en droit des affaires depuis vingt ans, je conseille les dirigeants sur leurs contrats, leurs pactes d'associés et la cession de leur société. Pour les questions de droit du travail (licenciement, rupture conventionnelle, temps de travail), j'aide à sécuriser chaque étape.",
		demoBilingual, demoAll, 5, "mar 8:30-10:00, ven 14:00-16:00", 48, 15},
	{"francois", "recrutement, management",
		"Recruter un commercial, un chef d'atelier ou un directeur financier quand on est une PME : c'est mon métier depuis 2008. Je vous aide à définir le profil, à rédiger l'annonce et à mener les entretiens, puis à réussir l'intégration.",
		demoFrench, demoAll, 6, "lundi et jeudi 17h-19h", 24, 15},
	{"mathilde", "recrutement, formation, mutualisation des fonctions support",
		"Je dirige un groupement d'employeurs qui met à disposition des salariés à temps partagé : comptables, responsables RH, techniciens de maintenance. Je vous explique comment embaucher à plusieurs et fidéliser des compétences rares.",
		demoFrench, demoOnSite, 4, "mardi 9h-12h et 14h-16h", 48, 15},
	{"yassine", "droit social, santé au travail",
		"Avocat en droit social, j'accompagne les employeurs dans leurs relations avec les salariés et les représentants du personnel : contrats de travail, licenciements, mise en place du CSE, négociation d'accords. Je forme aussi les managers aux bons réflexes juridiques.",
		demoFrench, demoVisio, 5, "mercredi 8h-10h, vendredi 8h-10h", 48, 15},
	{"agnes", "comptabilité, fiscalité",
		"Experte-comptable, je travaille avec des TPE et PME de l'industrie et du commerce. Je réponds à vos questions de fiscalité (TVA, impôt sur les sociétés, crédit d'impôt recherche), de clôture des comptes et de tableau de bord de gestion.",
		demoFrench, demoAll, 4, "jeudi 14h-17h", 72, 15},
	{"bertrand", "fiscalité, transmission d'entreprise",
		"Fiscaliste, j'aide les dirigeants à optimiser la fiscalité de leur entreprise et de leur patrimoine professionnel. Pacte Dutreil, holding, donation d'actions : je prépare avec vous la transmission familiale bien avant l'échéance.",
		demoFrench, demoOnSite, 3, "lun 14h-18h", 96, 30},
	{"caroline", "levée de fonds, financement bancaire, innovation",
		"J'accompagne les levées de fonds de 300 000 € à 5 millions d'euros auprès des business angels, des fonds régionaux et de Bpifrance. Préparation du dossier investisseurs, valorisation, négociation du pacte : je vous évite les erreurs des premières levées.",
		demoBilingual, demoVisio, 4, "mardi 8h-9h30, jeudi 18h-20h", 48, 15},
	{"etienne", "financement bancaire, trésorerie",
		"Vingt-cinq ans de banque d'entreprise m'ont appris ce qu'un banquier attend d'un dossier de prêt. Je vous aide à négocier vos financements (investissement, crédit-bail, affacturage) et à sécuriser votre trésorerie en période de tension.",
		demoFrench, demoAll, 6, "du lundi au vendredi de 8h à 9h", 24, 10},
	{"nathalie", "transition énergétique, achats",
		"Ingénieure énergéticienne, je réalise des audits énergétiques et j'aide les PME à réduire leur consommation d'énergie : chauffage, air comprimé, éclairage, récupération de chaleur. Je vous accompagne aussi dans vos contrats d'électricité et de gaz.",
		demoFrench, demoAll, 5, "mercredi 9h-12h, vendredi 14h-17h", 48, 30},
	{"guillaume", "transition énergétique",
		"Je conçois des centrales photovoltaïques en autoconsommation pour les toitures industrielles et les parkings. Rentabilité, raccordement, aides régionales : je vous dis franchement si votre projet solaire tient la route.",
		demoFrench, demoOnSite, 3, "jeudi 14h-18h", 72, 30},
	{"sandrine", "achats, mutualisation des fonctions support",
		"Acheteuse pendant quinze ans dans la grande distribution, j'aide les PME à structurer leurs achats et à renégocier leurs contrats de fournitures, d'assurances et de télécoms. J'organise aussi des achats groupés entre entreprises d'un même territoire.",
		demoFrench, demoAll, 4, "lundi 10h-12h, mercredi 10h-12h", 48, 15},
	{"laurent", "export",
		"J'aide les PME industrielles à vendre à l'étranger : choix des marchés, recherche de distributeurs, salons, conditions de vente internationales et Incoterms. J'ai ouvert des marchés au Benelux, au Royaume-Uni et en Afrique de l'Ouest.",
		demoBilingual, demoVisio, 4, "mardi 16h-18h, jeudi 16h-18h", 48, 15},
	{"ines", "export, logistique",
		"Commissionnaire en douane à Calais, je connais par cœur les formalités d'export vers le Royaume-Uni depuis le Brexit. Déclarations, statut d'opérateur économique agréé, origine des marchandises : je vous aide à exporter sans mauvaise surprise.",
		demoBilingual, demoVisio, 5, "lundi-vendredi 13h-14h", 24, 10},
	{"kevin", "cybersécurité, systèmes d'information",
		"Je protège les PME contre les rançongiciels et le piratage : audit de sécurité, sauvegardes, sensibilisation des salariés au hameçonnage. Après une cyberattaque, je vous aide à reprendre l'activité et à porter plainte.",
		demoBilingual, demoAll, 6, "mardi 9h-12h, jeudi 9h-12h, vendredi 9h-11h", 24, 15},
	{"aurelie", "systèmes d'information",
		"Ancienne DSI d'un groupe agroalimentaire, j'aide les dirigeants à choisir et à déployer leur ERP, leur CRM ou leur logiciel de paie. Je rédige le cahier des charges avec vous et je pilote les éditeurs pour que le projet tienne son budget.",
		demoFrench, demoOnSite, 3, "mercredi 14h-17h", 72, 15},
	{"damien", "systèmes d'information, mutualisation des fonctions support, cybersécurité",
		"Je mutualise l'informatique de plusieurs PME voisines : un technicien partagé, des serveurs communs, des licences négociées ensemble. Une façon de s'offrir un vrai service informatique sans l'embaucher seul.",
		demoFrench, demoAll, 4, "lundi 14h-16h, jeudi 14h-16h", 48, 15},
	{"emilie", "RSE",
		"Je mets en place des démarches RSE à la mesure des PME : bilan carbone, plan d'action, reporting pour les donneurs d'ordres, label Lucie ou B Corp. Je crois aux petits pas concrets plutôt qu'aux rapports épais.",
		demoFrench, demoAll, 5, "mardi 9h-12h, vendredi 9h-12h", 48, 15},
	{"hugo", "économie circulaire, économie de la fonctionnalité, RSE",
		"Réemploi, recyclage, écoconception : j'aide les entreprises textiles et industrielles à valoriser leurs déchets et à concevoir des produits réparables. J'accompagne aussi le passage à la location et à la vente de services, dans l'esprit de l'économie de la fonctionnalité.",
		demoFrench, demoOnSite, 4, "mercredi 9h-12h", 48, 30},
	{"veronique", "transmission d'entreprise",
		"Après avoir cédé ma propre entreprise, j'accompagne les dirigeants qui préparent leur départ : évaluation de la société, recherche d'un repreneur, négociation de la cession. Je conseille aussi les repreneurs dans leurs premiers mois.",
		demoFrench, demoAll, 3, "jeudi 10h-12h", 96, 30},
	{"jean-marc", "transmission d'entreprise, stratégie, management",
		"Dirigeant pendant trente ans d'une entreprise familiale de transport, je l'ai transmise à mes cadres en 2019. Je partage cette expérience : préparer les équipes, organiser la gouvernance, trouver sa place après la cession.",
		demoFrench, demoOnSite, 2, "vendredi 10h-12h", 72, 30},
	{"clementine", "marketing digital",
		"Mon agence aide les PME à trouver des clients sur internet : site web, référencement naturel, publicité en ligne, LinkedIn. Je vous aide à savoir ce qui rapporte vraiment et à arrêter ce qui ne sert à rien.",
		demoBilingual, demoVisio, 6, "lundi 9h-11h, mercredi 16h-18h", 24, 15},
	{"maxime", "développement commercial, recrutement, management",
		"Directeur commercial pendant quinze ans, je forme et j'accompagne les équipes de vente des PME industrielles. Structurer la prospection, fixer des objectifs, recruter des commerciaux qui restent : je vous aide à faire grandir votre chiffre d'affaires.",
		demoFrench, demoAll, 5, "mardi 17h-19h, jeudi 8h-10h", 48, 15},
	{"patricia", "management, ressources humaines",
		"Coach de dirigeants et de comités de direction, j'aide les managers à déléguer, à conduire le changement et à traverser les conflits d'équipe. J'interviens aussi quand un dirigeant se sent seul face à une décision difficile.",
		demoFrench, demoAll, 4, "lundi 8h-10h, vendredi 16h-18h", 48, 30},
	{"sebastien", "logistique, achats",
		"J'optimise les entrepôts et les flux de transport des PME : implantation, gestion des stocks, choix d'un logisticien ou d'un transporteur. J'ai monté des mutualisations logistiques entre industriels d'une même zone d'activités.",
		demoFrench, demoOnSite, 4, "mardi 14h-17h", 48, 15},
	{"valerie", "immobilier d'entreprise",
		"Je conseille les entreprises qui cherchent des bureaux, un entrepôt ou un terrain pour s'agrandir, en location ou à l'achat. Bail commercial, crédit-bail immobilier, choix de la zone d'activités : je vous aide à ne pas vous tromper d'implantation.",
		demoFrench, demoAll, 4, "mercredi 9h-12h, jeudi 14h-17h", 48, 30},
	{"alexandre", "innovation",
		"J'aide les PME à transformer une idée en projet d'innovation financé : crédit d'impôt innovation, aides de la Région et de Bpifrance, partenariats avec les laboratoires de l'université de Lille.",
		demoFrench, demoAll, 5, "lundi 14h-17h, mercredi 14h-17h", 48, 15},
	{"cecile", "propriété industrielle, innovation",
		"Conseil en propriété industrielle, je protège les inventions, les marques et les dessins des entreprises : dépôt de brevet, recherche d'antériorités, stratégie de marque à l'international. Je vous aide aussi à réagir face à une contrefaçon.",
		demoBilingual, demoVisio, 4, "mardi 10h-12h, jeudi 10h-12h", 48, 15},
	{"thierry", "assurance",
		"Courtier en assurances des entreprises, je passe en revue vos contrats : responsabilité civile, multirisque, flotte automobile, perte d'exploitation, cyber-risques. Je vous aide à être bien couvert sans payer deux fois le même risque.",
		demoFrench, demoAll, 5, "lundi 9h-12h, jeudi 14h-17h", 24, 15},
	{"juliette", "qualité",
		"J'accompagne les PME vers la certification ISO 9001, ISO 14001 ou IATF 16949, sans usine à gaz. Audits internes, traitement des non-conformités, satisfaction client : la qualité au service du terrain.",
		demoFrench, demoOnSite, 3, "mercredi 14h-17h", 72, 15},
	{"romain", "santé au travail, ressources humaines",
		"Ergonome, j'aide les entreprises à prévenir les troubles musculosquelettiques et les risques psychosociaux. Document unique, aménagement des postes, retour au travail après un arrêt long : je travaille avec vos équipes et votre médecin du travail.",
		demoFrench, demoAll, 4, "mardi 9h-12h, vendredi 9h-12h", 48, 15},
	{"florence", "formation, ressources humaines",
		"Je construis les plans de développement des compétences des PME et je vous aide à les financer par votre OPCO. Entretiens professionnels, apprentissage, reconversion interne : faire grandir les salariés plutôt que chercher la perle rare.",
		demoFrench, demoAll, 5, "lundi 14h-17h", 48, 15},
	{"arnaud", "qualité, innovation",
		"Ingénieur de production, j'accompagne les ateliers qui veulent gagner en productivité : lean, maintenance préventive, robotisation, suivi de la production en temps réel. Je commence toujours par observer le terrain avec vos opérateurs.",
		demoFrench, demoOnSite, 3, "jeudi 8h-12h", 72, 30},
	{"delphine", "comptabilité, trésorerie",
		"Contrôleuse de gestion à temps partagé, je construis des tableaux de bord simples pour piloter les marges, les coûts de revient et la trésorerie. Je travaille pour plusieurs PME de l'Oise qui n'ont pas besoin d'un contrôleur à plein temps.",
		demoFrench, demoVisio, 4, "mardi 18h-20h", 24, 15},
	{"frederic", "droit des affaires",
		"Avocat en droit commercial, je rédige et négocie vos conditions générales de vente, vos contrats de distribution et vos contrats avec les grands donneurs d'ordres. Je vous aide aussi à recouvrer les impayés avant qu'ils ne mettent votre trésorerie en danger.",
		demoFrench, demoAll, 4, "mercredi 8h-10h", 48, 15},
	{"samia", "recrutement, RSE",
		"Je facilite le recrutement de personnes éloignées de l'emploi : jeunes des quartiers, personnes en reconversion, travailleurs handicapés. Clauses d'insertion, aides à l'embauche, accompagnement dans le poste : recruter autrement, et durablement.",
		demoFrench, demoAll, 5, "lundi 14h-17h, jeudi 9h-12h", 48, 15},
	{"gregoire", "développement commercial, qualité",
		"Vingt ans dans l'agroalimentaire régional m'ont appris à faire travailler ensemble producteurs, transformateurs et distributeurs. J'aide les PME à structurer des filières locales, à entrer en grande surface et à respecter les normes d'hygiène.",
		demoFrench, demoOnSite, 3, "vendredi 9h-12h", 72, 30},
	{"melanie", "marketing digital, recrutement",
		"Je travaille la marque employeur des PME qui peinent à recruter : vidéos de salariés, page carrière, présence sur les réseaux sociaux. Une entreprise qu'on connaît mieux attire plus facilement les candidats.",
		demoFrench, demoVisio, 4, "mardi 14h-16h", 48, 15},
	{"vincent", "logistique, transition énergétique",
		"Je conseille les transporteurs et les entreprises qui ont leur propre flotte sur le passage aux poids lourds au gaz, à l'électrique ou au biocarburant. Coût total de possession, bornes de recharge, aides : la décarbonation de vos camions, chiffres à l'appui.",
		demoFrench, demoAll, 4, "lundi 16h-18h, jeudi 16h-18h", 48, 15},
	{"anne-sophie", "levée de fonds, transmission d'entreprise",
		"Banquière d'affaires, j'accompagne les rachats d'entreprises et les ouvertures de capital des PME régionales. Évaluation, montage financier, recherche d'investisseurs : je vous aide à financer votre croissance externe.",
		demoBilingual, demoVisio, 3, "mercredi 17h-19h", 72, 30},
	{"benoit", "stratégie, management",
		"Ancien président d'une ETI du textile, je siège au Bureau des pairs du réseau. J'écoute les dirigeants qui envisagent un virage stratégique ou traversent une période difficile, et je les aide à valider ou non leurs choix.",
		demoFrench, demoAll, 2, "vendredi 14h-17h", 72, 30},
}

// seedDemoMembers creates the members of list, or brings them back to
// the demo's name, role and company.
func (s *Service) seedDemoMembers(ctx context.Context, list []demoMember) error {
	for _, d := range list {
		m, err := s.EnsureMember(ctx, User{ID: UserID(d.id), Name: d.name}, d.role)
		if err != nil {
			return fmt.Errorf("seed member %s: %w", d.id, err)
		}
		if m.Name != d.name {
			name := d.name
			if _, err := s.store.UpdateMember(ctx, m.UserID, MemberUpdate{Name: &name}); err != nil {
				return fmt.Errorf("seed member %s: %w", d.id, err)
			}
		}
		company := d.company
		if _, err := s.store.SaveCompany(ctx, m.UserID, &company); err != nil {
			return fmt.Errorf("seed company of %s: %w", d.id, err)
		}
	}
	return nil
}

// seedDemoExperts creates the demo's experts and their profiles, once: a
// database that has experts keeps them. Each profile goes through the
// form's checks, as an expert's own would.
func (s *Service) seedDemoExperts(ctx context.Context) error {
	existing, err := s.store.ListExperts(ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	if err := s.seedDemoMembers(ctx, demoExpertMembers); err != nil {
		return err
	}
	p, now := s.printer(nil), s.now()
	for _, d := range demoExperts {
		e, fe := ParseExpert(map[string]string{
			fieldExpertDomains: d.domains, fieldExpertBio: d.bio, fieldExpertLangs: d.langs, fieldExpertFormats: d.formats,
			fieldExpertCapacity: strconv.Itoa(d.capacity), fieldExpertWindows: d.windows,
			fieldExpertNotice: strconv.Itoa(d.notice), fieldExpertBuffer: strconv.Itoa(d.buffer),
		}, p)
		if fe != nil {
			return fmt.Errorf("seed expert %s: %w (%s)", d.id, fe, strings.Join(fieldMessages(fe), "; "))
		}
		m, err := s.store.FindMemberByUserID(ctx, d.id)
		if err != nil {
			return fmt.Errorf("seed expert %s: %w", d.id, err)
		}
		e.User, e.Name, e.CompanyID, e.Active, e.CreatedAt, e.UpdatedAt = m.UserID, m.Name, m.CompanyID, true, now, now
		if err := s.store.SaveExpert(ctx, e); err != nil {
			return fmt.Errorf("seed expert %s: %w", d.id, err)
		}
	}
	return nil
}

// fieldMessages lists a form's errors, for a programmer's error message.
func fieldMessages(fe FieldErrors) []string {
	var out []string
	for id, msg := range fe {
		out = append(out, id+": "+msg)
	}
	return out
}
