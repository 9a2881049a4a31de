"""The names, industries and titles a demo portfolio is drawn from, and the demo users' password."""

INDUSTRIES = ["Manufacturing", "Retail", "Logistics", "Healthcare", "Energy", "Finance", "Telecom", "Chemicals"]
REGIONS = ["EMEA", "North America", "LATAM", "APAC"]
WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Hooli",
    "Vandelay",
    "Wonka",
    "Oscorp",
    "Gringotts",
    "Nakatomi",
    "Massive",
    "Duff",
    "Monarch",
    "Aperture",
    "Vector",
]
SUFFIXES = ["Industries", "Group", "Holdings", "Systems", "Logistics", "Foods", "Energy", "Labs", "Partners", "AG"]
FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Luis",
    "Mona",
    "Nils",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
]
LAST = ["Meyer", "Rossi", "Dubois", "Novak", "Silva", "Tanaka", "Okafor", "Larsen", "Kowalski", "Murphy"]
TITLES = [
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "Head of Procurement",
    "IT Director",
    "Plant Manager",
    "Buyer",
    "Engineer",
    "Head of Operations",
]
PASSWORD = "demo password 1234"
# The demo catalog: code, name, family, and how often an account buys it (its popularity).
OFFERINGS = [
    ("SUPPORT", "Premium support", "Services", 0.7),
    ("ANALYTICS", "Analytics", "Software", 0.5),
    ("CLOUD", "Cloud platform", "Software", 0.35),
    ("INTEGRATION", "Integration hub", "Software", 0.3),
    ("TRAINING", "Training", "Services", 0.25),
    ("SECURITY", "Security suite", "Software", 0.2),
    ("CONSULTING", "Consulting", "Services", 0.15),
    ("MANAGED", "Managed services", "Services", 0.1),
]
CENTERS = [("Operations", "function"), ("Finance", "function"), ("EMEA", "region"), ("Plant North", "division")]
# The demo admin, printed by `kam seed-demo` to sign in with.
ADMIN_EMAIL = "demo-admin@example.com"
