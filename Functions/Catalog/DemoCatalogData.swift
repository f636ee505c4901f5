import SokoFunctions

/// The demo catalog's content (see ``DemoCatalog``). Prices are whole shillings here and stored
/// as cents.
enum DemoCatalogData {
    struct Category {
        var slug: String
        var name: String
        var parent: String?
    }

    struct Product {
        var sku: String
        var name: String
        var description: String
        var shillings: Int
        var category: String
        var stock: Int
        var attributes: [String: JSONValue]
    }

    /// An attribute value written as a literal.
    struct Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
        ExpressibleByBooleanLiteral
    {
        var json: JSONValue
        init(stringLiteral value: String) { json = .string(value) }
        init(integerLiteral value: Int64) { json = .integer(value) }
        init(floatLiteral value: Double) { json = .number(value) }
        init(booleanLiteral value: Bool) { json = .bool(value) }
    }

    /// Parents before children.
    static let categories = [
        Category(slug: "electronics", name: "Electronics"),
        Category(slug: "phones-tablets", name: "Phones & Tablets", parent: "electronics"),
        Category(slug: "home-kitchen", name: "Home & Kitchen"),
        Category(slug: "groceries", name: "Groceries"),
        Category(slug: "fashion", name: "Fashion"),
        Category(slug: "health-beauty", name: "Health & Beauty"),
    ]

    private static func product(
        _ sku: String, _ name: String, _ shillings: Int, _ category: String, stock: Int, _ description: String,
        _ attributes: [String: Value] = [:]
    ) -> Product {
        Product(
            sku: sku, name: name, description: description, shillings: shillings, category: category, stock: stock,
            attributes: attributes.mapValues(\.json))
    }

    static let products: [Product] = electronics + phones + home + groceries + fashion + beauty

    private static let electronics = [
        product(
            "EL-TV-43", "Hisense 43\" Smart TV", 32_999, "electronics", stock: 12,
            "Full HD smart television with built-in Wi-Fi, Netflix and YouTube apps, and two HDMI ports.",
            ["brand": "Hisense", "screen_inches": 43, "smart": true]),
        product(
            "EL-SPK-BT", "JBL Flip 6 Bluetooth Speaker", 14_500, "electronics", stock: 25,
            "Portable waterproof speaker with 12 hours of playtime and punchy bass.",
            ["brand": "JBL", "waterproof": "IP67", "battery_hours": 12]),
        product(
            "EL-SOLAR-100", "Sun King Home 120 Solar Kit", 9_800, "electronics", stock: 40,
            "Solar panel, battery, three lights and a phone charger: light for homes off the grid.",
            ["brand": "Sun King", "lights": 3, "usb_charging": true]),
        product(
            "EL-RADIO-FM", "Tecno FM Radio with Torch", 1_250, "electronics", stock: 60,
            "Rechargeable FM radio with a bright LED torch and USB music playback.", ["rechargeable": true]),
        product(
            "EL-PB-20K", "Oraimo 20000mAh Power Bank", 3_299, "electronics", stock: 0,
            "Fast-charging power bank that charges two phones at once.", ["capacity_mah": 20_000, "ports": 2]),
        product(
            "EL-HEAD-ANC", "Sony WH-CH720N Headphones", 17_999, "electronics", stock: 8,
            "Wireless noise-cancelling headphones, light enough to wear all day.",
            ["brand": "Sony", "noise_cancelling": true]),
        product(
            "EL-LAP-14", "Lenovo IdeaPad 1 14\" Laptop", 54_999, "electronics", stock: 5,
            "Everyday laptop with 8 GB RAM and a 256 GB SSD, for school and office work.",
            ["brand": "Lenovo", "ram_gb": 8, "storage_gb": 256]),
        product(
            "EL-EXT-4W", "4-Way Surge Protector Extension", 1_100, "electronics", stock: 90,
            "Four sockets with surge protection and a 3 m cable.", ["sockets": 4, "cable_m": 3]),
    ]

    private static let phones = [
        product(
            "PH-TEC-SPK10", "Tecno Spark 10", 16_499, "phones-tablets", stock: 30,
            "6.6\" display, 128 GB storage and a 50 MP camera with a long-lasting battery.",
            ["brand": "Tecno", "storage_gb": 128, "dual_sim": true]),
        product(
            "PH-SAM-A15", "Samsung Galaxy A15", 21_999, "phones-tablets", stock: 18,
            "Super AMOLED screen, 128 GB storage and four years of security updates.",
            ["brand": "Samsung", "storage_gb": 128, "dual_sim": true]),
        product(
            "PH-INF-HOT40", "Infinix Hot 40i", 13_999, "phones-tablets", stock: 0,
            "Big 6.56\" screen and 5000 mAh battery at a friendly price.", ["brand": "Infinix", "storage_gb": 128]),
        product(
            "PH-NOK-105", "Nokia 105 Feature Phone", 2_499, "phones-tablets", stock: 100,
            "The classic: a battery that lasts for weeks, FM radio and a torch.", ["brand": "Nokia", "dual_sim": true]),
        product(
            "PH-TAB-A9", "Samsung Galaxy Tab A9", 24_999, "phones-tablets", stock: 7,
            "8.7\" tablet for reading, video calls and homework.", ["brand": "Samsung", "screen_inches": 8.7]),
        product(
            "PH-CASE-A15", "Silicone Case for Galaxy A15", 650, "phones-tablets", stock: 75,
            "Soft-touch silicone case with raised edges to protect the camera.", ["colour": "black"]),
        product(
            "PH-CHG-25W", "25W USB-C Fast Charger", 1_899, "phones-tablets", stock: 45,
            "Wall charger with USB-C cable; charges most phones to 50% in 30 minutes.", ["watts": 25]),
    ]

    private static let home = [
        product(
            "HK-JIKO-KCJ", "Kenya Ceramic Jiko", 1_200, "home-kitchen", stock: 50,
            "Energy-saving charcoal stove with a ceramic liner: uses less charcoal, cooks just as fast.",
            ["fuel": "charcoal", "made_in": "Kenya"]),
        product(
            "HK-SUF-6L", "Sufuria Set, 6 Pieces", 2_800, "home-kitchen", stock: 35,
            "Aluminium sufurias in six sizes with lids, for ugali, rice and stews.", ["pieces": 6, "material": "aluminium"]),
        product(
            "HK-THERMOS-2L", "Vacuum Flask 2 L", 1_450, "home-kitchen", stock: 40,
            "Keeps chai hot for 12 hours; stainless steel inside.", ["litres": 2]),
        product(
            "HK-BLEND-RAM", "Ramtons Blender 1.5 L", 4_999, "home-kitchen", stock: 14,
            "Two-speed blender with a grinder mill, for juices and spices.", ["brand": "Ramtons", "watts": 350]),
        product(
            "HK-GAS-6KG", "6 kg Gas Cylinder with Burner", 4_200, "home-kitchen", stock: 20,
            "Refillable gas cylinder with a single burner and grill top.", ["kg": 6]),
        product(
            "HK-MOSQ-NET", "Mosquito Net, Double Bed", 999, "home-kitchen", stock: 80,
            "Treated rectangular net for a 5×6 bed.", ["size": "5x6", "treated": true]),
        product(
            "HK-KETTLE-17", "Electric Kettle 1.7 L", 2_350, "home-kitchen", stock: 0,
            "Cordless kettle with automatic switch-off.", ["litres": 1.7]),
        product(
            "HK-FRY-AIR", "Air Fryer 4.5 L", 8_999, "home-kitchen", stock: 9,
            "Crispy chips with a spoonful of oil; timer and temperature control.", ["litres": 4.5]),
        product(
            "HK-WATER-FLT", "Ceramic Water Filter 20 L", 3_600, "home-kitchen", stock: 16,
            "Two-bucket gravity filter with a ceramic candle for safe drinking water.", ["litres": 20]),
    ]

    private static let groceries = [
        product(
            "GR-TEA-KTDA", "Kericho Gold Tea Leaves 500 g", 380, "groceries", stock: 100,
            "Strong black tea from the highlands of Kericho, made for chai.", ["weight_g": 500, "origin": "Kericho"]),
        product(
            "GR-COF-AA", "Kenya AA Coffee Beans 250 g", 950, "groceries", stock: 45,
            "Single-origin arabica from Nyeri: bright, with notes of blackcurrant.", ["weight_g": 250, "roast": "medium"]),
        product(
            "GR-UNGA-2KG", "Jogoo Maize Flour 2 kg", 185, "groceries", stock: 100,
            "Sifted maize meal for soft ugali.", ["weight_g": 2000, "brand": "Jogoo"]),
        product(
            "GR-RICE-PISH", "Pishori Rice 2 kg", 520, "groceries", stock: 70,
            "Aromatic Mwea pishori rice, long grain.", ["weight_g": 2000, "origin": "Mwea"]),
        product(
            "GR-HONEY-500", "Baringo Honey 500 g", 850, "groceries", stock: 3,
            "Raw wild honey from the acacia woodlands of Baringo.", ["weight_g": 500, "raw": true]),
        product(
            "GR-MACA-NUT", "Roasted Macadamia Nuts 200 g", 690, "groceries", stock: 25,
            "Lightly salted macadamias from Murang'a.", ["weight_g": 200]),
        product(
            "GR-CHAI-MSL", "Chai Masala Spice Mix 100 g", 240, "groceries", stock: 55,
            "Cardamom, ginger, cinnamon and cloves, ground for spiced tea.", ["weight_g": 100]),
        product(
            "GR-OIL-3L", "Cooking Oil 3 L", 890, "groceries", stock: 0,
            "Vegetable cooking oil, cholesterol free.", ["litres": 3]),
        product(
            "GR-MILK-LL", "Long-life Milk 500 ml, 12 pack", 1_080, "groceries", stock: 30,
            "UHT whole milk that keeps without a fridge until opened.", ["pack": 12]),
    ]

    private static let fashion = [
        product(
            "FA-KIK-KITENGE", "Kitenge Wrap Dress", 2_900, "fashion", stock: 22,
            "Bold African print cotton dress with a tie waist, made in Nairobi.",
            ["material": "cotton", "sizes": "S-XL"]),
        product(
            "FA-KIKOI-BEACH", "Kikoi Beach Wrap", 1_300, "fashion", stock: 33,
            "Striped cotton kikoi from the coast, for the beach or as a throw.", ["material": "cotton"]),
        product(
            "FA-SHUKA-MAA", "Maasai Shuka Blanket", 1_500, "fashion", stock: 40,
            "Red checked shuka, warm and hard-wearing.", ["colour": "red"]),
        product(
            "FA-SANDAL-TYRE", "Akala Tyre Sandals", 800, "fashion", stock: 27,
            "Durable sandals with soles made from recycled tyres.", ["recycled": true]),
        product(
            "FA-BAG-KIONDO", "Kiondo Sisal Handbag", 2_400, "fashion", stock: 11,
            "Hand-woven sisal basket bag with leather straps.", ["material": "sisal", "handmade": true]),
        product(
            "FA-BEAD-NECK", "Maasai Beaded Necklace", 1_100, "fashion", stock: 0,
            "Hand-beaded collar necklace in traditional colours.", ["handmade": true]),
        product(
            "FA-SHIRT-LIN", "Men's Linen Shirt", 3_200, "fashion", stock: 19,
            "Breathable linen shirt for hot days, regular fit.", ["material": "linen", "sizes": "M-XXL"]),
        product(
            "FA-SNEAK-RUN", "Running Sneakers", 4_500, "fashion", stock: 13,
            "Light cushioned trainers for road running.", ["sizes": "38-45"]),
    ]

    private static let beauty = [
        product(
            "HB-SHEA-250", "Raw Shea Butter 250 g", 750, "health-beauty", stock: 48,
            "Unrefined shea butter for skin and hair.", ["weight_g": 250, "natural": true]),
        product(
            "HB-ALOE-GEL", "Aloe Vera Gel 200 ml", 520, "health-beauty", stock: 36,
            "Soothing gel from Kenyan-grown aloe.", ["ml": 200]),
        product(
            "HB-SUN-50", "Sunscreen SPF 50, 100 ml", 1_650, "health-beauty", stock: 21,
            "Broad-spectrum sun protection, water resistant.", ["spf": 50]),
        product(
            "HB-TOOTH-MSW", "Miswak Toothpaste 150 g", 280, "health-beauty", stock: 85,
            "Herbal toothpaste with miswak extract.", ["weight_g": 150]),
        product(
            "HB-SOAP-BAR", "Handmade Coconut Soap, 3 bars", 600, "health-beauty", stock: 2,
            "Cold-process soap with coconut oil from Kilifi.", ["bars": 3, "handmade": true]),
        product(
            "HB-MASK-KN95", "KN95 Face Masks, 20 pack", 900, "health-beauty", stock: 64,
            "Five-layer masks with adjustable nose clip.", ["pack": 20]),
        product(
            "HB-THERM-DIG", "Digital Thermometer", 450, "health-beauty", stock: 0,
            "Fast-reading digital thermometer with fever alarm.", ["seconds": 10]),
        product(
            "HB-HAIR-OIL", "Rosemary Hair Oil 100 ml", 980, "health-beauty", stock: 29,
            "Nourishing hair oil with rosemary and castor.", ["ml": 100, "natural": true]),
    ]
}
