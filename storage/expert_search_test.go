package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cercle/commands"
	"cercle/storage"
)

// directory is a small network of experts of SMEs in the Hauts-de-France,
// by user id: each domain with a realistic bio, and a few bios that name
// another expert's domain in passing.
var directory = []struct {
	user, name string
	domains    []string
	bio        string
	inactive   bool
}{
	{"UREC", "Claire Vasseur", []string{"recrutement", "ressources humaines"},
		"Ancienne DRH d'un groupe de distribution à Roubaix, j'accompagne les PME dans le recrutement de leurs premiers cadres et de leurs commerciaux : définition du poste, sourcing, entretiens structurés, intégration.", false},
	{"UFIS", "Marc Lefebvre", []string{"fiscalité", "crédit d'impôt recherche"},
		"Expert-comptable à Lille depuis vingt ans, je conseille les dirigeants sur la fiscalité de l'entreprise et du dirigeant, la TVA, le crédit d'impôt recherche et les contrôles fiscaux.", false},
	{"UFON", "Sophie Delattre", []string{"levée de fonds", "capital-investissement"},
		"J'ai accompagné une quarantaine de start-up et de PME industrielles des Hauts-de-France dans leurs levées de fonds auprès de business angels et de fonds régionaux : dossier investisseurs, valorisation, pacte d'associés.", false},
	{"UEFC", "Thomas Caron", []string{"économie de la fonctionnalité", "modèle économique"},
		"Je fais passer les entreprises de la vente de produits à la vente d'usages : économie de la fonctionnalité et de la coopération, location longue durée, contrats de performance.", false},
	{"UENR", "Julie Mercier", []string{"transition énergétique", "efficacité énergétique"},
		"Ingénieure thermicienne, je réalise des audits énergétiques de sites industriels, je chiffre les économies d'énergie et je monte les dossiers de certificats d'économies d'énergie et d'aides de l'ADEME.", false},
	{"UACH", "Nicolas Dubois", []string{"achats", "négociation fournisseurs"},
		"Directeur achats pendant quinze ans dans l'agroalimentaire à Arras, j'aide les PME à structurer leurs achats, renégocier leurs contrats fournisseurs et monter des achats groupés.", false},
	{"USOC", "Isabelle Lemaire", []string{"droit social", "droit du travail"},
		"Avocate à Amiens : contrats de travail, ruptures conventionnelles, licenciements, représentants du personnel, prud'hommes et accords d'entreprise.", false},
	{"UEXP", "Pierre Lambert", []string{"export", "commerce international"},
		"Vingt ans de développement commercial à l'international depuis Dunkerque : choix des marchés, recherche de distributeurs, incoterms, douane et assurance-crédit.", false},
	{"UCYB", "Amélie Roussel", []string{"cybersécurité", "informatique"},
		"Responsable de la sécurité des systèmes d'information, je fais des diagnostics pour les PME : sauvegardes, hameçonnage, rançongiciels, plan de reprise d'activité et sensibilisation des équipes.", false},
	{"URSE", "Hugo Martin", []string{"RSE", "bilan carbone"},
		"Consultant en responsabilité sociétale, j'accompagne les entreprises dans leur démarche, leur bilan carbone et la directive CSRD, avec un regard sur les achats responsables.", false},
	{"UTRA", "Catherine Petit", []string{"transmission d'entreprise", "reprise"},
		"Ancienne cédante, je guide les dirigeants qui préparent la transmission de leur entreprise : valorisation, recherche d'un repreneur, transmission familiale, accompagnement du repreneur.", false},
	{"UMKT", "Julien Fournier", []string{"marketing digital", "réseaux sociaux"},
		"Je construis la stratégie de marketing digital des PME : site internet, référencement, réseaux sociaux, campagnes en ligne et génération de prospects.", false},
	{"UBAN", "Élodie Garnier", []string{"financement bancaire", "trésorerie"},
		"Ancienne chargée d'affaires entreprises dans une banque régionale, je prépare les demandes de prêts, le dossier pour le banquier, les garanties Bpifrance et le suivi de trésorerie.", false},
	{"UMAN", "François Moreau", []string{"management", "conduite du changement"},
		"Coach de dirigeants et de managers, j'aide les équipes de direction à organiser le travail, conduire le changement, mener les entretiens annuels et prévenir les conflits.", false},
	{"ULOG", "Laurent Dupont", []string{"logistique", "transport"},
		"Responsable logistique d'un entrepôt de la métropole lilloise, je conseille sur l'organisation des stocks, le transport, les flux et les tournées de livraison.", false},
	{"UFOR", "Nathalie Leroy", []string{"formation professionnelle", "apprentissage"},
		"Je monte les plans de développement des compétences, les contrats d'apprentissage et leur financement par les OPCO ; utile aussi pour fidéliser après un recrutement.", false},
	{"UIND", "Olivier Bernard", []string{"industrie 4.0", "lean"},
		"Ingénieur méthodes, j'accompagne les PMI dans l'amélioration continue, le lean manufacturing, l'automatisation et la maintenance.", false},
	{"UPI", "Sandrine Faure", []string{"propriété intellectuelle", "brevets"},
		"Conseil en propriété industrielle : dépôt de marques et de brevets, recherche d'antériorité, contrats de licence.", false},
	{"UOLD", "Paul Girard", []string{"fiscalité", "recrutement"},
		"Fiscaliste retraité, ne prend plus de demandes.", true},
}

// mustDirectory returns a database holding the directory.
func mustDirectory(t *testing.T) *storage.DB {
	t.Helper()
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	for _, d := range directory {
		if err := db.CreateMember(ctx, &commands.Member{UserID: commands.UserID(d.user), Name: d.name}); err != nil {
			t.Fatal(err)
		}
		e := &commands.Expert{User: commands.UserID(d.user), Domains: d.domains, Bio: d.bio, Active: !d.inactive, MonthlyCapacity: 2}
		if err := db.SaveExpert(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// ranked returns the user ids of a search's results, best first.
func ranked(t *testing.T, db *storage.DB, text string) []commands.UserID {
	t.Helper()
	ms, err := db.SearchExperts(context.Background(), text, 5)
	if err != nil {
		t.Fatalf("SearchExperts(%q): %v", text, err)
	}
	var out []commands.UserID
	for _, m := range ms {
		out = append(out, m.Expert.User)
	}
	return out
}

func TestSearchExpertsFirst(t *testing.T) {
	db := mustDirectory(t)
	for _, tt := range []struct {
		text string
		want commands.UserID
	}{
		{"recruter un commercial", "UREC"},
		{"recrutement", "UREC"},
		{"recruter", "UREC"},
		{"recrutements", "UREC"},
		{"fiscalité", "UFIS"},
		{"fiscalite", "UFIS"},
		{"FISCALITÉ", "UFIS"},
		{"fiscalités", "UFIS"},
		{"économie de la fonctionnalité", "UEFC"},
		{"economie fonctionnalite", "UEFC"},
		{"énergie", "UENR"},
		{"energie", "UENR"},
		{"e\u0301nergie", "UENR"}, // decomposed accent
		{"énergétique", "UENR"},
		{"energetique", "UENR"},
		{"levée de fonds", "UFON"},
		{"levee de fonds", "UFON"},
		{"levées de fonds", "UFON"},
		{"achat", "UACH"},
		{"achats", "UACH"},
		{"rupture conventionnelle d'un salarié", "USOC"},
		{"exporter en Belgique", "UEXP"},
		{"cybersecurite", "UCYB"},
		{"démarche RSE", "URSE"},
		{"céder mon entreprise, transmission", "UTRA"},
		{"transmettre", "UTRA"},
		{"transmettre ma société", "UTRA"},
		{"je l'ai transmise", "UTRA"},
		{"marketing", "UMKT"},
		{"prêt de la banque", "UBAN"},
		{"manager une équipe", "UMAN"},
		{"logistique", "ULOG"},
		{"brevet", "UPI"},
	} {
		got := ranked(t, db, tt.text)
		if len(got) == 0 || got[0] != tt.want {
			t.Errorf("SearchExperts(%q) = %v, want %s first", tt.text, got, tt.want)
		}
	}
}

// TestSearchExpertsDomainsOutweighBio: an expert who declares the domain
// ranks before one whose bio names it in passing.
func TestSearchExpertsDomainsOutweighBio(t *testing.T) {
	db := mustDirectory(t)
	for _, tt := range []struct {
		text      string
		domain    commands.UserID
		bioInPass commands.UserID
	}{
		{"recrutement", "UREC", "UFOR"},
		{"achats", "UACH", "URSE"},
		{"économie", "UEFC", "UENR"},
		{"reprise", "UTRA", "UCYB"},
	} {
		got := ranked(t, db, tt.text)
		d, b := slices.Index(got, tt.domain), slices.Index(got, tt.bioInPass)
		if d < 0 || b < 0 || d > b {
			t.Errorf("SearchExperts(%q) = %v, want %s (domain) before %s (bio)", tt.text, got, tt.domain, tt.bioInPass)
		}
	}
}

func TestSearchExpertsExplains(t *testing.T) {
	db := mustDirectory(t)
	ms, err := db.SearchExperts(context.Background(), "Je voudrais recruter un commercial", 3)
	if err != nil || len(ms) == 0 {
		t.Fatalf("search = %v, %v", ms, err)
	}
	m := ms[0]
	if m.Expert.User != "UREC" || m.Expert.Name != "Claire Vasseur" || !m.Expert.Active || m.Score <= 0 {
		t.Errorf("first match = %+v, score %v", m.Expert, m.Score)
	}
	if !slices.Equal(m.Domains, []string{"recrutement"}) {
		t.Errorf("domains = %q, want [recrutement]", m.Domains)
	}
	if !slices.Equal(m.Words, []string{"recruter", "commercial"}) {
		t.Errorf("words = %q, want [recruter commercial]", m.Words)
	}
	if !strings.Contains(m.Excerpt, "«recrutement»") {
		t.Errorf("excerpt = %q, want recrutement marked", m.Excerpt)
	}
	if n := len(strings.Fields(strings.NewReplacer("«", "", "»", "", "…", "").Replace(m.Excerpt))); n > 20 {
		t.Errorf("excerpt has %d words, want at most 20: %q", n, m.Excerpt)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Score > ms[i-1].Score {
			t.Errorf("scores not decreasing: %v then %v", ms[i-1].Score, ms[i].Score)
		}
	}
}

// TestSearchExpertsHostileText: whatever a member types never breaks the
// query; a text of stop-words finds no one.
func TestSearchExpertsHostileText(t *testing.T) {
	db := mustDirectory(t)
	ctx := context.Background()
	long := strings.Repeat(`fiscalité "AND" NEAR( x* `, 1700)
	r := rand.New(rand.NewPCG(1, 2))
	var junk strings.Builder
	for junk.Len() < 40_000 {
		junk.WriteRune(rune(r.IntN(0x3000)))
	}
	for _, text := range []string{
		`levée de fonds ?`, `fiscalité AND`, `levée-de`, `"`, `*`, `NEAR(`, `)`, `(`, `""`, `'`, `-`, `+`, `^fiscalité`,
		`fiscalité OR`, `NOT recrutement`, `domains:recrutement`, `{bio}: x`, `recrut*`, `"fiscalité`, "\x00", "🙂 énergie 🙂",
		`AND OR NOT NEAR`, "\u0301", "e\u0301nergie \u0301 \u0301\u0301", "Ⅱ ² ½ ʼ", long, junk.String(), strings.Repeat("a", 40_000),
	} {
		if _, err := db.SearchExperts(ctx, text, 5); err != nil {
			t.Errorf("SearchExperts(%.40q…): %v", text, err)
		}
	}
	if got := ranked(t, db, `levée de fonds ?`); len(got) == 0 || got[0] != "UFON" {
		t.Errorf("levée de fonds ? = %v, want UFON first", got)
	}
	if got := ranked(t, db, `fiscalité AND`); len(got) == 0 || got[0] != "UFIS" {
		t.Errorf("fiscalité AND = %v, want UFIS first", got)
	}
	for _, text := range []string{"", "   ", "de la des du", "Bonjour, je voudrais que vous me disiez comment faire", "?!", "l'", "d'une"} {
		ms, err := db.SearchExperts(ctx, text, 5)
		if err != nil || len(ms) != 0 {
			t.Errorf("SearchExperts(%q) = %d matches, %v; want none", text, len(ms), err)
		}
	}
}

// TestSearchExpertsFollowsProfile: saving a profile replaces its search
// entry in the same write; an inactive expert is not found.
func TestSearchExpertsFollowsProfile(t *testing.T) {
	db := mustDirectory(t)
	ctx := context.Background()
	if got := ranked(t, db, "fiscaliste"); slices.Contains(got, "UOLD") {
		t.Errorf("inactive expert found: %v", got)
	}
	e, err := db.FindExpert(ctx, "ULOG")
	if err != nil {
		t.Fatal(err)
	}
	e.Domains, e.Bio = []string{"douane"}, "Déclarations en douane et régimes douaniers."
	if err := db.SaveExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got := ranked(t, db, "logistique"); slices.Contains(got, "ULOG") {
		t.Errorf("logistique still finds the old profile: %v", got)
	}
	if got := ranked(t, db, "douanier"); len(got) == 0 || got[0] != "ULOG" {
		t.Errorf("douanier = %v, want ULOG first", got)
	}
	e.Active = false
	if err := db.SaveExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got := ranked(t, db, "douane"); slices.Contains(got, "ULOG") {
		t.Errorf("an expert made inactive is still found: %v", got)
	}
}

// Words and bios the benchmark's directory is made of.
var (
	benchDomains = []string{"recrutement", "fiscalité", "levée de fonds", "économie de la fonctionnalité", "transition énergétique",
		"achats", "droit social", "export", "cybersécurité", "RSE", "transmission d'entreprise", "marketing digital",
		"financement bancaire", "management", "logistique", "formation", "propriété intellectuelle", "lean", "qualité",
		"immobilier d'entreprise", "assurances", "innovation", "design", "communication", "juridique", "douane", "subventions",
		"stratégie", "organisation", "systèmes d'information"}
	benchPhrases = []string{"j'accompagne les PME industrielles des Hauts-de-France", "ancien directeur financier d'une ETI lilloise",
		"je conseille les dirigeants dans leurs décisions", "vingt ans d'expérience dans la distribution", "audit, diagnostic et plan d'action",
		"la négociation avec les banques et les investisseurs", "les contrats commerciaux et les conditions générales",
		"le recrutement des cadres et l'intégration des nouveaux salariés", "la sécurité des données et des sauvegardes",
		"les économies d'énergie et les certificats", "la reprise d'une entreprise familiale", "les marchés publics et les appels d'offres",
		"la stratégie commerciale à l'international", "la conduite du changement dans les équipes", "les stocks, les flux et le transport",
		"la fiscalité du dirigeant et de la transmission", "les aides régionales et européennes", "le référencement et les réseaux sociaux"}
	benchRequest = "Bonjour, nous sommes une PME industrielle de quarante-cinq salariés près de Valenciennes. Nous voulons recruter " +
		"un responsable commercial pour l'export, comprendre la fiscalité d'une levée de fonds auprès d'investisseurs régionaux " +
		"et savoir quelles aides existent pour la transition énergétique de notre atelier."
)

// BenchmarkSearchExperts ranks 500 experts for a request of forty words.
func BenchmarkSearchExperts(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "cercle.db"), storage.Options{Synchronous: "OFF"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 500 {
		user := commands.UserID(fmt.Sprintf("U%03d", i))
		if err := db.CreateMember(ctx, &commands.Member{UserID: user, Name: fmt.Sprintf("Expert %d", i)}); err != nil {
			b.Fatal(err)
		}
		e := &commands.Expert{User: user, Active: true}
		for range 2 + r.IntN(3) {
			e.Domains = append(e.Domains, benchDomains[r.IntN(len(benchDomains))])
		}
		var bio []string
		for range 3 + r.IntN(4) {
			bio = append(bio, benchPhrases[r.IntN(len(benchPhrases))])
		}
		e.Bio = strings.Join(bio, " ; ") + "."
		if err := db.SaveExpert(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ms, err := db.SearchExperts(ctx, benchRequest, 10)
		if err != nil || len(ms) != 10 {
			b.Fatalf("search = %d matches, %v", len(ms), err)
		}
	}
}
