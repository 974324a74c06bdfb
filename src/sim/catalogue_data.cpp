#include "sim/catalogue_data.hpp"

#include <array>

namespace scout::sim::data {

namespace {

// About 40 top-level categories as in a real category.get capture, including two test
// entries that carry no products.
constexpr std::array<TopCategorySpec, 40> kTop{{
    {44, "Consumer Electronics", false},
    {509, "Phones & Telecommunications", false},
    {7, "Computer & Office", false},
    {6, "Home Appliances", false},
    {15, "Home & Garden", false},
    {100001625, "Kitchen, Dining & Bar", false},
    {405, "Home Textile", false},
    {13, "Home Improvement", false},
    {1420, "Tools", false},
    {39, "Lights & Lighting", false},
    {1501, "Mother & Kids", false},
    {26, "Toys & Hobbies", false},
    {18, "Sports & Entertainment", false},
    {34, "Automobiles, Parts & Accessories", false},
    {66, "Beauty & Health", false},
    {100003109, "Women's Clothing", false},
    {100003070, "Men's Clothing", false},
    {322, "Shoes", false},
    {1524, "Luggage & Bags", false},
    {36, "Jewelry & Accessories", false},
    {1511, "Watches", false},
    {200000532, "Novelty & Special Use", false},
    {502, "Electronic Components & Supplies", false},
    {30, "Security & Protection", false},
    {21, "Office & School Supplies", false},
    {200000297, "Apparel Accessories", false},
    {200165144, "Hair Extensions & Wigs", false},
    {1503, "Furniture", false},
    {100006206, "Pet Products", false},
    {200574005, "Underwear & Sleepwear", false},
    {200001355, "Motorcycle Equipments & Parts", false},
    {2, "Food", false},
    {200000875, "Weddings & Events", false},
    {200216607, "Smart Home", false},
    {200003655, "Musical Instruments", false},
    {200000816, "Arts, Crafts & Sewing", false},
    {125, "Garden Supplies", false},
    {200000345, "Party Supplies", false},
    {127698009, "Test category 06", true},
    {202192001, "newlv1categorytest", true},
}};

constexpr SubcategorySpec kSub[] = {
    // --- Consumer Electronics
    {44, 100000306, "Earphones & Headphones", 12,
     "Wireless Earphones|Bluetooth Earphones|TWS Earbuds|Wireless Earbuds|In-Ear Earphones|"
     "Bone Conduction Headphones|Gaming Headset|Over-Ear Headphones|Wired Earphones|"
     "Sports Earphones|Open Ear Earphones|Bluetooth Headphones",
     "Bluetooth 5.3|ANC Active Noise Cancelling|HiFi Stereo Sound|Waterproof IPX5|Touch Control|"
     "with Mic|LED Display|40H Playtime|Low Latency|Deep Bass|Type C Charging|"
     "for iPhone Android|Ear Hook|3.5mm Jack|Sports Running|Game Mode|ENC Call Noise Reduction|"
     "Wireless Charging Case|Earphones",
     199, 8999},
    {44, 100000305, "Speakers", 5,
     "Bluetooth Speaker|Portable Speaker|Wireless Speaker|Mini Speaker|Soundbar|"
     "Computer Speakers|Outdoor Speaker|Party Speaker",
     "Waterproof IPX7|TWS Pairing|RGB Light|Subwoofer|Heavy Bass|USB|TF Card|FM Radio|20W|40W|"
     "Stereo Surround|3D Sound|Loud|Long Battery Life|AUX",
     399, 12999},
    {44, 200084017, "Smart Wearables", 8,
     "Smart Watch|Smart Band|Fitness Tracker|Smart Ring|Kids Smart Watch|Sports Smart Watch",
     "Heart Rate|Blood Oxygen|Bluetooth Call|1.96 inch AMOLED|IP68 Waterproof|100+ Sports Modes|"
     "Sleep Monitor|for Men Women|GPS|Always On Display|for Android iOS|Voice Assistant|"
     "Magnetic Charging",
     599, 9999},
    {44, 200215272, "Camera & Photo", 5,
     "Action Camera|Webcam|Mini Camera|Tripod|Selfie Stick|Phone Camera Lens|Ring Light|"
     "Camera Bag|Gimbal Stabilizer|Instant Camera",
     "4K|1080P HD|Wireless|Bluetooth Remote|USB|with Microphone|for Vlog|Waterproof|"
     "Anti Shake|Wide Angle|Auto Focus|for YouTube TikTok|Dimmable LED|Foldable",
     299, 19999},
    {44, 100000310, "Video Games", 4,
     "Game Controller|Gamepad|Handheld Game Console|Retro Game Console|Joystick|"
     "Controller Charging Station|Thumb Grips",
     "for PS4|for PS5|for Nintendo Switch|for Xbox|Wireless|Bluetooth|Dual Vibration|"
     "6-Axis Gyro|RGB|Turbo|for PC Android|10000 Games|4K HDMI|USB Wired",
     199, 15999},
    {44, 200002396, "Home Audio & Video", 4,
     "TV Box|Projector|HDMI Cable|Streaming Stick|Remote Control|TV Antenna|HDMI Switch",
     "4K|Android 12|WiFi 6|Bluetooth|1080P|HDMI 2.1|8K|Voice Control|Smart|Portable|USB Powered",
     199, 29999},
    // --- Phones & Telecommunications
    {509, 100001615, "Phone Cases & Covers", 14,
     "Phone Case|Phone Case|Silicone Phone Case|Shockproof Phone Case|Magnetic Phone Case|"
     "Wallet Phone Case|Clear Phone Case|Leather Phone Case|Phone Cover",
     "for iPhone 15 Pro Max|for iPhone 14|for iPhone 13 12 11|for Samsung Galaxy S24 Ultra|"
     "for Samsung A54|for Xiaomi Redmi Note 13|for Huawei P60|for Google Pixel 8|MagSafe|"
     "Soft TPU|Matte|Transparent|Card Holder|Kickstand|Camera Protection|Cute Cartoon|Luxury|"
     "Anti-fall|Liquid Silicone|Phone Case",
     99, 1999},
    {509, 200084019, "Mobile Phone Chargers", 7,
     "Wall Charger|Fast Charger|Wireless Charger|Car Charger|GaN Charger|Charging Station|"
     "USB Charger",
     "USB C|USB Type C|PD 20W|65W|100W|QC 3.0|Quick Charge|3 Port|Magnetic|15W|Foldable|"
     "EU US UK Plug|for iPhone Samsung Xiaomi|Dual USB|Phone Charger",
     199, 4999},
    {509, 200084020, "Mobile Phone Cables", 12,
     "USB C Cable|Type C Cable|USB Cable|Micro USB Cable|Lightning Cable|USB C to USB C Cable|"
     "3 in 1 Charging Cable|Magnetic Charging Cable|USB Charging Cable",
     "3A Fast Charging|Nylon Braided|1m|2m|3m|0.5m|60W PD|100W|240W|Data Sync|for iPhone 15|"
     "for Samsung Xiaomi|Right Angle|LED|Quick Charge 3.0|Durable|Phone Charger Cable",
     99, 1999},
    {509, 200084021, "Power Banks", 6,
     "Power Bank|Magnetic Power Bank|Portable Charger|Mini Power Bank|Solar Power Bank",
     "10000mAh|20000mAh|30000mAh|PD 22.5W|Fast Charging|USB C|Digital Display|MagSafe|"
     "for iPhone Xiaomi|Slim|External Battery|with Cable|Dual USB",
     599, 6999},
    {509, 200084022, "Screen Protectors", 6,
     "Tempered Glass|Screen Protector|Privacy Screen Protector|Camera Lens Protector|"
     "Hydrogel Film",
     "for iPhone 15 14 13|for Samsung Galaxy|9H|Full Cover|Anti-Spy|2 Pcs|3 Pcs|HD Clear|"
     "Anti Fingerprint|Phone Screen Protector",
     49, 999},
    {509, 200084023, "Phone Holders & Stands", 5,
     "Phone Holder|Car Phone Holder|Phone Stand|Magnetic Car Mount|Bike Phone Mount|"
     "Desk Phone Stand|Tablet Stand",
     "360 Rotation|for iPhone Samsung|Adjustable|Foldable|Air Vent|Dashboard|MagSafe|"
     "Aluminum|Universal|for Laptop Tablet|Desk Stand",
     99, 2999},
    {509, 5090301, "Mobile Phones", 3,
     "Smartphone|Mobile Phone|Rugged Phone|Feature Phone",
     "8GB 256GB|Android 13|6.7 inch|5G|Dual SIM|48MP Camera|5000mAh|Global Version|Unlocked|NFC|"
     "Octa Core|120Hz",
     4999, 59999},
    // --- Computer & Office
    {7, 200084024, "Laptop Accessories", 8,
     "Laptop Stand|Laptop Stand|Laptop Stand Holder|Laptop Bag|Laptop Sleeve|Laptop Cooling Pad|"
     "Notebook Stand|Laptop Riser Stand",
     "Adjustable|Aluminum Alloy|Foldable|Portable|for MacBook Air Pro|13 14 15.6 inch|"
     "Height Adjustable|Ergonomic|Non-slip|Ventilated|for Desk|Waterproof|Shockproof|Laptop Stand",
     299, 4999},
    {7, 200084025, "Keyboards & Mice", 8,
     "Wireless Mouse|Gaming Mouse|Mechanical Keyboard|Wireless Keyboard|Keyboard Mouse Combo|"
     "Mouse Pad|Bluetooth Mouse|Vertical Mouse|Gaming Keyboard",
     "RGB Backlit|2.4G|Bluetooth|USB|Rechargeable|Silent Click|Hot Swappable|60%|Ergonomic|"
     "for Laptop PC|DPI Adjustable|Type C|XXL|Wired USB",
     199, 8999},
    {7, 200084026, "USB Hubs & Adapters", 7,
     "USB Hub|USB C Hub|Docking Station|USB Adapter|Card Reader|USB C Adapter|USB Splitter|"
     "OTG Adapter",
     "7 in 1|4 Port|USB 3.0|HDMI 4K|PD 100W|for MacBook|Type C to USB|SD TF|Ethernet RJ45|"
     "Aluminum|High Speed|for Laptop",
     149, 5999},
    {7, 200084027, "Storage Devices", 6,
     "USB Flash Drive|Pen Drive|External SSD|Memory Card|Micro SD Card|Hard Drive Enclosure|"
     "Portable SSD",
     "64GB|128GB|256GB|1TB|2TB|USB 3.0|USB 3.2|Type C|Metal|Waterproof|High Speed|Class 10|"
     "for Phone PC|M.2 NVMe",
     299, 12999},
    {7, 200084028, "Computer Components", 4,
     "Graphics Card|RAM Memory|SSD|CPU Cooler|Case Fan|Motherboard|Power Supply",
     "DDR4|DDR5|16GB|32GB|3200MHz|NVMe|M.2|RGB|ARGB|120mm|Desktop|Gaming|PCIe 4.0|for Laptop",
     499, 39999},
    {7, 200084029, "Office Electronics", 3,
     "Label Printer|Thermal Printer|Portable Printer|Document Scanner|Calculator|Laminator",
     "Portable|Bluetooth|USB|Mini|A4|for Office|Wireless|58mm|Inkless",
     599, 14999},
    {7, 200084030, "Networking", 4,
     "WiFi Router|WiFi Adapter|Network Switch|WiFi Extender|Ethernet Cable|Bluetooth Adapter",
     "WiFi 6|Dual Band|5GHz|Gigabit|USB|1200Mbps|Mesh|Cat6|for PC Laptop|Plug and Play",
     149, 9999},
    // --- Home Appliances
    {6, 200084031, "Kitchen Appliances", 5,
     "Air Fryer|Electric Kettle|Blender|Coffee Machine|Milk Frother|Electric Lunch Box|"
     "Portable Juicer|Vacuum Sealer",
     "USB Rechargeable|Portable|1.5L|Stainless Steel|Mini|Automatic|Household|Smart|220V|"
     "Cordless",
     499, 14999},
    {6, 200084032, "Personal Care Appliances", 5,
     "Hair Dryer|Hair Straightener|Electric Shaver|Hair Clipper|Epilator|Electric Toothbrush|"
     "Water Flosser",
     "Cordless|USB Rechargeable|Professional|Negative Ion|Ceramic|Waterproof|for Men|for Women|"
     "LED Display|Travel",
     399, 9999},
    {6, 200084033, "Household Appliances", 5,
     "Robot Vacuum Cleaner|Handheld Vacuum|Humidifier|Air Purifier|Mini Fan|USB Fan|"
     "Electric Heater|Dehumidifier|Neck Fan",
     "USB|Rechargeable|Portable|Quiet|for Bedroom|Cordless|HEPA|Ultrasonic|Bladeless|Smart App",
     299, 29999},
    // --- Home & Garden
    {15, 200084034, "Home Decor", 6,
     "Wall Sticker|Artificial Flowers|Photo Frame|Vase|Wall Clock|Decorative Pillow Cover|"
     "Candle Holder|LED Fairy Lights",
     "for Living Room|Nordic|Vintage|Modern|Boho|Home Decoration|Bedroom|Gift|Wedding Decor|"
     "Ceramic",
     99, 4999},
    {15, 200084035, "Home Storage & Organization", 5,
     "Storage Box|Organizer|Drawer Organizer|Clothes Hanger|Storage Bag|Makeup Organizer|"
     "Shoe Rack|Storage Basket",
     "Foldable|Large Capacity|Plastic|Transparent|Stackable|Wall Mounted|for Closet|Multi Layer|"
     "Dustproof",
     99, 3999},
    {15, 200084036, "Household Cleaning", 4,
     "Spin Mop|Cleaning Brush|Microfiber Cloth|Spray Bottle|Sponge|Lint Remover|Squeegee",
     "Reusable|Household|for Kitchen|for Bathroom|Electric|Multifunctional|10 Pcs|Absorbent",
     99, 2999},
    {15, 200084037, "Bathroom Products", 4,
     "Shower Head|Bath Mat|Soap Dispenser|Towel Rack|Toothbrush Holder|Shower Curtain",
     "High Pressure|Non-slip|Automatic|Wall Mounted|Waterproof|Stainless Steel|Filter|"
     "Quick Dry",
     99, 4999},
    // --- Kitchen, Dining & Bar
    {100001625, 200084038, "Kitchen Tools & Gadgets", 6,
     "Vegetable Cutter|Kitchen Knife Set|Can Opener|Garlic Press|Silicone Spatula|Kitchen Scale|"
     "Measuring Cups|Peeler",
     "Stainless Steel|Multifunctional|Manual|Kitchen Gadgets|Non-stick|Heat Resistant|Digital|"
     "Set",
     99, 3999},
    {100001625, 200084039, "Drinkware", 5,
     "Water Bottle|Tumbler|Coffee Mug|Thermos|Glass Cup|Travel Mug|Shaker Bottle",
     "Stainless Steel|Insulated|BPA Free|1L|500ml|40oz|Leakproof|with Straw|Portable|"
     "Vacuum Flask",
     149, 3999},
    {100001625, 200084040, "Cookware & Bakeware", 4,
     "Frying Pan|Baking Mold|Silicone Baking Mat|Cake Pan|Wok|Cookware Set",
     "Non-stick|Induction|Cast Iron|Ceramic|Silicone|Stainless Steel|Oven Safe|24cm|28cm",
     199, 9999},
    // --- Home Textile
    {405, 200084041, "Bedding", 4,
     "Bed Sheet Set|Duvet Cover|Pillowcase|Blanket|Mattress Protector|Bedding Set",
     "Queen King Size|Cotton|Soft|Microfiber|Breathable|Winter|Summer|Printed|Solid Color",
     399, 9999},
    {405, 200084042, "Curtains & Rugs", 3,
     "Curtains|Blackout Curtain|Area Rug|Door Mat|Carpet|Table Cloth",
     "for Living Room|Bedroom|Thermal Insulated|Washable|Non-slip|Modern|Waterproof|Sheer",
     299, 7999},
    // --- Home Improvement
    {13, 200084043, "Plumbing & Faucets", 3,
     "Kitchen Faucet|Bathroom Faucet|Shower Set|Water Filter|Sink Strainer",
     "Pull Out|Stainless Steel|Hot and Cold|Brass|Black|Rotatable|Wall Mounted|360 Degree",
     299, 14999},
    {13, 200084044, "Electrical Equipment", 4,
     "Smart Plug|Power Strip|Extension Socket|Wall Switch|Travel Adapter|Timer Switch",
     "with USB Ports|USB C|EU Plug|UK Plug|US Plug|Surge Protector|Universal|WiFi|16A|2m Cable",
     199, 3999},
    {13, 200084045, "Hardware", 3,
     "Door Handle|Cabinet Hinge|Adhesive Hooks|Screws Set|Door Stopper|Cabinet Lock",
     "Stainless Steel|Zinc Alloy|10 Pcs|Heavy Duty|Self Adhesive|Black|Gold|Soft Close",
     99, 2999},
    // --- Tools
    {1420, 200084046, "Power Tools", 5,
     "Cordless Drill|Electric Screwdriver|Angle Grinder|Heat Gun|Rotary Tool|Impact Wrench|"
     "Cordless Drill Driver|Mini Chainsaw",
     "21V|Brushless|Rechargeable|Lithium Battery|for Makita Battery|Variable Speed|"
     "with Accessories|USB Charging",
     999, 19999},
    {1420, 200084047, "Hand Tools", 5,
     "Screwdriver Set|Wrench Set|Pliers|Tool Kit|Utility Knife|Tape Measure|Socket Set",
     "Precision|Magnetic|Multifunctional|Chrome Vanadium|Household|Repair Tools|for Phone PC|"
     "115 in 1",
     199, 6999},
    {1420, 200084048, "Measurement & Analysis", 3,
     "Digital Multimeter|Laser Level|Digital Caliper|Infrared Thermometer|Laser Distance Meter|"
     "Voltage Tester",
     "Auto Range|True RMS|Green Laser|Self Leveling|Stainless Steel|LCD Display|Rechargeable",
     299, 9999},
    {1420, 200084049, "Welding & Soldering", 2,
     "Soldering Iron|Soldering Station|Welding Machine|Solder Wire|Spot Welder",
     "60W|80W|Adjustable Temperature|Digital|220V|110V|USB|Portable|Kit",
     299, 19999},
    // --- Lights & Lighting
    {39, 200084050, "LED Strips", 6,
     "LED Strip Lights|LED Strip|Neon Light Strip|TV Backlight|LED Light Strip",
     "USB|5V|12V|RGB|Bluetooth App Control|WiFi|5m|10m|20m|Music Sync|for Room Decor|"
     "Waterproof|SMD 5050|Remote Control",
     199, 4999},
    {39, 200084051, "Lamps & Night Lights", 5,
     "Night Light|Desk Lamp|LED Desk Lamp|Table Lamp|Motion Sensor Light|Moon Lamp|Sunset Lamp",
     "USB Rechargeable|Dimmable|Touch Control|Eye Protection|for Bedroom|Wireless|Magnetic|"
     "Remote Control|Warm White",
     149, 4999},
    {39, 200084052, "Portable & Outdoor Lighting", 4,
     "LED Bulb|Solar Light|Flashlight|Headlamp|Camping Lantern|Work Light",
     "Rechargeable|USB C|Waterproof|Super Bright|Zoomable|Motion Sensor|Outdoor|E27|10000LM",
     149, 4999},
    // --- Mother & Kids
    {1501, 200084053, "Baby Care", 3,
     "Baby Bottle|Pacifier|Baby Monitor|Teether|Diaper Bag|Baby Carrier",
     "BPA Free|Silicone|Newborn|Anti Colic|Portable|Large Capacity|0-12 Months|Soft",
     199, 9999},
    {1501, 200084054, "Kids Clothing", 3,
     "Girls Dress|Boys T-Shirt|Kids Pajamas|Baby Romper|Kids Hoodie",
     "Cotton|Cartoon|Summer|Winter|2-8 Years|Cute|Casual|Long Sleeve|Short Sleeve",
     299, 2999},
    // --- Toys & Hobbies
    {26, 200084055, "Remote Control Toys", 4,
     "RC Car|RC Drone|Mini Drone|RC Helicopter|RC Boat|RC Truck",
     "4K Camera|2.4G|High Speed|Off Road|Foldable|GPS|Obstacle Avoidance|for Kids|Brushless|"
     "Waterproof",
     999, 19999},
    {26, 200084056, "Building Blocks", 3,
     "Building Blocks|Building Block Set|Bricks Toy|Mini Figures|Technic Car Model",
     "Compatible|City|Creative|DIY|Educational|Gift for Kids|1000 Pcs|Assembly",
     299, 9999},
    {26, 200084057, "Plush & Puzzle Toys", 4,
     "Plush Toy|Stuffed Animal|Jigsaw Puzzle|Fidget Toy|Magic Cube|Board Game",
     "Soft|Kawaii|Gift|Stress Relief|1000 Pieces|Educational|Anime|Pillow",
     99, 3999},
    {26, 200084058, "Action Figures", 3,
     "Anime Figure|Action Figure|Model Kit|Collectible Figure",
     "PVC|18cm|Collection|Gift|Movable|Statue|Toys",
     299, 5999},
    // --- Sports & Entertainment
    {18, 200084059, "Fitness & Body Building", 5,
     "Resistance Bands|Yoga Mat|Jump Rope|Adjustable Dumbbell|Ab Roller|Massage Gun|"
     "Grip Strengthener",
     "for Home Gym|Workout|Non-slip|Fitness Equipment|Set|Portable|Deep Tissue|Pilates",
     199, 9999},
    {18, 200084060, "Cycling", 4,
     "Bike Light|Bicycle Helmet|Bike Phone Holder|Cycling Gloves|Bike Lock|Cycling Jersey",
     "USB Rechargeable|Waterproof|MTB|Road Bike|Anti-theft|Breathable|LED|Ultralight",
     199, 5999},
    {18, 200084061, "Fishing", 4,
     "Fishing Lure|Fishing Reel|Fishing Rod|Fishing Line|Fishing Hooks|Tackle Box",
     "Saltwater|Freshwater|Carbon|Spinning|Baitcasting|Bass|Trout|Braided|Set",
     99, 7999},
    {18, 200084062, "Camping & Hiking", 4,
     "Camping Tent|Sleeping Bag|Hiking Backpack|Camping Chair|Water Filter Straw|"
     "Trekking Poles",
     "Ultralight|Waterproof|Outdoor|Portable|Foldable|2 Person|Windproof|40L",
     299, 14999},
    {18, 200084063, "Sportswear", 4,
     "Running Shorts|Sports Bra|Compression Shirt|Yoga Leggings|Sports Socks",
     "Quick Dry|Breathable|Seamless|High Waist|for Men|for Women|Gym|Running",
     199, 3999},
    // --- Automobiles
    {34, 200084064, "Car Electronics", 6,
     "Dash Cam|Car Charger|FM Transmitter|Car Vacuum Cleaner|Tire Inflator|Car Jump Starter|"
     "Car Phone Holder|CarPlay Adapter",
     "USB C|Dual USB|Wireless|Bluetooth 5.0|Night Vision|1080P|Portable|12V|Fast Charging|"
     "Digital Display",
     299, 14999},
    {34, 200084065, "Car Interior Accessories", 4,
     "Car Seat Cover|Steering Wheel Cover|Car Air Freshener|Car Organizer|Car Floor Mats|"
     "Sun Shade",
     "Universal|Leather|Breathable|Non-slip|for Toyota Honda|Waterproof|Auto Accessories",
     199, 5999},
    {34, 200084066, "Car Lights", 3,
     "LED Headlight Bulbs|Car LED Lights|Fog Light|Ambient Light|Tail Light",
     "H4|H7|H11|9005|Canbus|6000K|Super Bright|RGB|12V|Plug and Play",
     299, 6999},
    {34, 200084067, "Car Repair Tools", 3,
     "OBD2 Scanner|Diagnostic Tool|Tire Pressure Gauge|Car Wash Brush|Scratch Repair Kit",
     "Bluetooth|Code Reader|Universal|for Android iOS|Digital|Professional|ELM327",
     199, 9999},
    // --- Beauty & Health
    {66, 200084068, "Makeup", 5,
     "Lipstick|Lip Gloss|Mascara|Eyeliner|Foundation|Makeup Brush Set|Eyeshadow Palette|"
     "Concealer",
     "Waterproof|Long Lasting|Matte|Velvet|Natural|Cosmetics|Nude|Glitter|Set",
     99, 2999},
    {66, 200084069, "Nail Art & Tools", 4,
     "Gel Nail Polish|Press On Nails|Electric Nail Drill|UV LED Nail Lamp|Nail Art Stickers|"
     "Nail Tips",
     "Soak Off|Semi Permanent|24 Pcs|Manicure|Professional|USB|Fast Drying|French",
     99, 3999},
    {66, 200084070, "Skin Care", 4,
     "Face Serum|Face Cream|Sheet Mask|Sunscreen|Facial Cleanser|Eye Cream",
     "Hyaluronic Acid|Vitamin C|Anti Aging|Moisturizing|Whitening|Collagen|SPF50|Korean",
     99, 3999},
    {66, 200084071, "Health Care", 4,
     "Neck Massager|Blood Pressure Monitor|Pulse Oximeter|Knee Brace|Posture Corrector|"
     "Eye Massager",
     "Electric|Rechargeable|Heating|Portable|Digital|Adjustable|Pain Relief|USB",
     199, 7999},
    {66, 200084072, "Shaving & Hair Removal", 3,
     "Razor|Beard Trimmer|Hair Removal Device|IPL Hair Removal|Nose Hair Trimmer",
     "Painless|Rechargeable|Waterproof|for Men|for Women|USB|Electric|Professional",
     199, 9999},
    // --- Women's Clothing
    {100003109, 200084073, "Dresses", 6,
     "Summer Dress|Maxi Dress|Party Dress|Midi Dress|Casual Dress|Bodycon Dress|Floral Dress",
     "Women|Elegant|Sleeveless|V Neck|Boho|Vintage|Plus Size|Beach|A Line|Long Sleeve",
     499, 4999},
    {100003109, 200084074, "Women's Tops", 5,
     "Women T-Shirt|Blouse|Crop Top|Tank Top|Cardigan|Women Hoodie",
     "Casual|Oversized|Cotton|Summer|Loose|Y2K|Knitted|Korean Fashion|Streetwear",
     299, 3999},
    {100003109, 200084075, "Bottoms", 4,
     "Jeans|Wide Leg Pants|Skirt|Women Shorts|Leggings",
     "High Waist|Denim|Casual|Stretch|Pleated|Vintage|Streetwear|Plus Size",
     399, 4999},
    {100003109, 200084076, "Women's Outerwear", 3,
     "Puffer Jacket|Trench Coat|Wool Coat|Denim Jacket|Blazer",
     "Winter|Oversized|Warm|Hooded|Elegant|Long|Cropped|Women",
     999, 9999},
    // --- Men's Clothing
    {100003070, 200084077, "Men's Tops", 5,
     "Men T-Shirt|Polo Shirt|Men Hoodie|Sweatshirt|Casual Shirt|Men Tank Top",
     "Cotton|Oversized|Summer|Slim Fit|Printed|Streetwear|Breathable|Short Sleeve",
     299, 3999},
    {100003070, 200084078, "Men's Pants", 4,
     "Cargo Pants|Men Jeans|Jogger Pants|Men Shorts|Chino Pants",
     "Casual|Stretch|Slim Fit|Loose|Multi Pocket|Summer|Streetwear|Denim",
     499, 4999},
    {100003070, 200084079, "Jackets & Coats", 3,
     "Bomber Jacket|Windbreaker|Down Jacket|Leather Jacket|Fleece Jacket",
     "Men|Winter|Waterproof|Hooded|Warm|Casual|Outdoor|Slim",
     999, 12999},
    // --- Shoes
    {322, 200084080, "Men's Shoes", 5,
     "Men Sneakers|Running Shoes|Casual Shoes|Leather Shoes|Loafers|Hiking Shoes|Sandals",
     "Breathable|Lightweight|Non-slip|Mesh|Platform|Outdoor|Fashion|Big Size 47",
     799, 7999},
    {322, 200084081, "Women's Shoes", 5,
     "Women Sneakers|Platform Shoes|High Heels|Flats|Women Sandals|Ankle Boots|Slippers",
     "Comfortable|Fashion|Summer|Soft Sole|Pointed Toe|Chunky|Casual|Non-slip",
     499, 6999},
    // --- Luggage & Bags
    {1524, 200084082, "Backpacks", 4,
     "Backpack|Laptop Backpack|School Bag|Travel Backpack|Anti Theft Backpack",
     "with USB Charging Port|Waterproof|15.6 inch|Large Capacity|Men Women|Business|Casual",
     599, 5999},
    {1524, 200084083, "Women's Bags", 4,
     "Handbag|Shoulder Bag|Crossbody Bag|Tote Bag|Clutch|Women Wallet",
     "PU Leather|Luxury Design|Fashion|Small|Large Capacity|Chain|Vintage|Casual",
     299, 5999},
    {1524, 200084084, "Travel Bags & Luggage", 3,
     "Suitcase|Luggage Set|Travel Bag|Packing Cubes|Toiletry Bag|Duffel Bag",
     "Carry On|Spinner Wheels|20 inch|Lightweight|Waterproof|Foldable|Large Capacity",
     399, 14999},
    // --- Jewelry & Accessories
    {36, 200084085, "Necklaces & Pendants", 4,
     "Necklace|Pendant Necklace|Chain Necklace|Choker",
     "Stainless Steel|925 Sterling Silver|Gold Plated|Women|Men|Heart|Pearl|Zircon|Gift",
     99, 4999},
    {36, 200084086, "Rings & Earrings", 4,
     "Ring|Stud Earrings|Hoop Earrings|Drop Earrings|Engagement Ring",
     "925 Sterling Silver|Gold Color|Zircon|Women|Minimalist|Vintage|Moissanite|Gift",
     99, 9999},
    {36, 200084087, "Bracelets", 3,
     "Bracelet|Charm Bracelet|Bangle|Beaded Bracelet|Tennis Bracelet",
     "Stainless Steel|Adjustable|Natural Stone|Women|Men|Gold Plated|Couple|Gift",
     99, 3999},
    // --- Watches
    {1511, 200084088, "Men's Watches", 4,
     "Quartz Watch|Mechanical Watch|Automatic Watch|Sports Watch|Digital Watch|"
     "Chronograph Watch",
     "Men|Waterproof|Luxury|Stainless Steel|Luminous|Leather Strap|Business|Military",
     999, 19999},
    {1511, 200084089, "Women's Watches", 3,
     "Women Watch|Bracelet Watch|Quartz Watch|Luxury Watch",
     "Elegant|Rose Gold|Diamond|Leather|Minimalist|Waterproof|Ladies|Gift",
     599, 9999},
    {1511, 200084090, "Watch Accessories", 4,
     "Watch Band|Watch Strap|Smart Watch Strap|Watch Box|Watch Repair Tool",
     "for Apple Watch Ultra 9 8 7|for Samsung Galaxy Watch|20mm|22mm|Silicone|Leather|"
     "Stainless Steel|Nylon Loop|Magnetic",
     99, 2999},
    // --- Novelty & Special Use
    {200000532, 200084091, "Costumes & Accessories", 3,
     "Cosplay Costume|Halloween Costume|Party Mask|Cosplay Wig|Anime Cosplay",
     "Adult|Kids|Carnival|Christmas|Full Set|Role Play|Unisex",
     499, 7999},
    {200000532, 200084092, "Work Wear & Uniforms", 2,
     "Chef Uniform|Work Apron|Safety Vest|Medical Scrubs",
     "Breathable|Reflective|Waterproof|Unisex|Cotton|Pockets",
     299, 4999},
    // --- Electronic Components & Supplies
    {502, 200084093, "Active Components & Modules", 4,
     "Development Board|ESP32 Development Board|Sensor Module|Relay Module|Microcontroller|"
     "Raspberry Pi Case",
     "USB Type C|WiFi Bluetooth|5V|3.3V|for Arduino|DIY Kit|CH340|ESP8266|Dual Core",
     99, 4999},
    {502, 200084094, "Batteries", 4,
     "18650 Battery|AA Batteries|Lithium Battery|Rechargeable Battery|Battery Charger|"
     "Button Cell",
     "USB Rechargeable|3000mAh|3.7V|1.5V|Li-ion|NiMH|4 Pcs|Type C|High Capacity",
     99, 3999},
    {502, 200084095, "Electronic Accessories & Supplies", 3,
     "Jumper Wires|Breadboard|Heat Shrink Tubing|LED Diodes|Resistor Kit|Capacitor Kit",
     "DIY|Assortment Kit|100 Pcs|Male to Female|Electronic Components|Set",
     49, 1999},
    // --- Security & Protection
    {30, 200084096, "Video Surveillance", 5,
     "Security Camera|IP Camera|WiFi Camera|Baby Monitor Camera|Outdoor Camera|Doorbell Camera",
     "1080P|4K|8MP|Night Vision|Two Way Audio|Motion Detection|PTZ|Solar|Waterproof|Tuya App|"
     "Human Tracking",
     999, 9999},
    {30, 200084097, "Smart Locks & Alarms", 3,
     "Smart Door Lock|Fingerprint Padlock|Door Sensor|Smoke Detector|Alarm System|Padlock",
     "WiFi|Tuya|Bluetooth|Keyless|USB Charging|Anti-theft|Waterproof|App Control",
     299, 14999},
    // --- Office & School Supplies
    {21, 200084098, "Writing Supplies", 3,
     "Gel Pen|Ballpoint Pen|Highlighter|Fountain Pen|Marker Set|Pencil Set",
     "0.5mm|Black Ink|Colored|Kawaii|School Supplies|Office|Set|Stationery",
     49, 1999},
    {21, 200084099, "Notebooks & Paper", 3,
     "Notebook|Journal|Sticky Notes|Planner|Sketchbook|A5 Notebook",
     "Leather|Spiral|Dotted|Lined|Kawaii|School Supplies|Stationery|Gift",
     49, 1999},
    {21, 200084100, "Desk Accessories", 3,
     "Desk Organizer|Pen Holder|Desk Mat|Stapler|Tape Dispenser|Monitor Stand",
     "for Office|Wooden|Large|Leather|Waterproof|with Drawer|for Laptop|Desktop",
     99, 3999},
    // --- Apparel Accessories
    {200000297, 200084101, "Hats & Caps", 3,
     "Baseball Cap|Bucket Hat|Beanie|Sun Hat|Trucker Hat",
     "Unisex|Cotton|Summer|Winter|Adjustable|Embroidery|Outdoor|Fashion",
     99, 2999},
    {200000297, 200084102, "Sunglasses & Eyewear", 3,
     "Sunglasses|Polarized Sunglasses|Blue Light Glasses|Reading Glasses|Sports Sunglasses",
     "UV400|Men|Women|Vintage|Oversized|Square|Cat Eye|Anti Blue Light",
     99, 2999},
    {200000297, 200084103, "Belts & Scarves", 3,
     "Leather Belt|Scarf|Silk Scarf|Touch Screen Gloves|Hair Clip",
     "Men|Women|Luxury|Winter|Warm|Fashion|Automatic Buckle|Cashmere",
     99, 2999},
    // --- Hair Extensions & Wigs
    {200165144, 200084104, "Human Hair Wigs", 3,
     "Lace Front Wig|Human Hair Wig|Bob Wig|Hair Bundles",
     "13x4 HD Lace|Brazilian|Straight|Body Wave|Pre Plucked|180% Density|Remy|Glueless",
     2999, 29999},
    {200165144, 200084105, "Synthetic Hair", 2,
     "Synthetic Wig|Clip In Hair Extensions|Ponytail|Braiding Hair|Hair Topper",
     "Long|Curly|Straight|Heat Resistant|Natural|Blonde|Ombre|for Women",
     299, 3999},
    // --- Furniture
    {1503, 200084106, "Home Furniture", 3,
     "Office Chair|Gaming Chair|Bookshelf|Side Table|Bean Bag|Folding Table|Shoe Cabinet",
     "Ergonomic|Modern|Foldable|Wooden|Metal|for Living Room|Adjustable|Nordic",
     1999, 29999},
    {1503, 200084107, "Outdoor Furniture", 2,
     "Patio Chair|Hammock|Garden Bench|Swing Chair|Camping Table",
     "Outdoor|Portable|Foldable|Rattan|Waterproof|Garden|Heavy Duty",
     999, 19999},
    // --- Pet Products
    {100006206, 200084108, "Dog Supplies", 4,
     "Dog Collar|Dog Leash|Dog Harness|Dog Bed|Dog Toy|Dog Clothes|Automatic Pet Feeder",
     "Reflective|Adjustable|for Small Medium Large Dogs|Durable|Soft|Waterproof|No Pull",
     99, 4999},
    {100006206, 200084109, "Cat Supplies", 4,
     "Cat Toy|Cat Scratcher|Cat Litter Box|Cat Bed|Pet Water Fountain|Cat Tree",
     "Interactive|USB Rechargeable|Automatic|Self Cleaning|Soft|for Indoor Cats|Washable",
     99, 9999},
    {100006206, 200084110, "Aquarium", 2,
     "Aquarium Filter|Fish Tank|Aquarium Light|Air Pump|Aquarium Heater",
     "LED|Silent|USB|Mini|Adjustable|for Fish Tank|Submersible|Energy Saving",
     199, 4999},
    // --- Underwear & Sleepwear
    {200574005, 200084111, "Women's Intimates", 3,
     "Bra|Panties|Shapewear|Seamless Bra|Lingerie Set",
     "Push Up|Wireless|Comfortable|Lace|Plus Size|Breathable|Sexy|Cotton",
     199, 2999},
    {200574005, 200084112, "Men's Underwear", 2,
     "Boxer Briefs|Boxers|Briefs|Thermal Underwear",
     "Cotton|Breathable|4 Pcs|Ice Silk|Soft|Plus Size|Comfortable",
     299, 2999},
    {200574005, 200084113, "Sleep & Lounge", 2,
     "Pajama Set|Nightgown|Bathrobe|Sleepwear",
     "Satin|Silk|Cotton|Long Sleeve|Loungewear|Women|Men|Winter",
     399, 3999},
    // --- Motorcycle
    {200001355, 200084114, "Motorcycle Accessories", 2,
     "Motorcycle Helmet|Motorcycle Gloves|Motorcycle Phone Holder|Motorcycle Cover|"
     "Helmet Intercom",
     "Bluetooth|Waterproof|Touch Screen|Full Face|DOT|Breathable|Universal|USB Charger",
     299, 14999},
    {200001355, 200084115, "Motorcycle Parts", 2,
     "Motorcycle Mirror|Brake Lever|LED Turn Signal|Exhaust Muffler|Handlebar Grips",
     "Universal|CNC Aluminum|for Honda Yamaha|12V|Adjustable|Modified",
     199, 7999},
    // --- Food
    {2, 200084116, "Tea & Coffee", 2,
     "Green Tea|Oolong Tea|Herbal Tea|Coffee Beans|Tea Bags",
     "Organic|Premium|250g|Loose Leaf|China|Gift Box|Fresh",
     299, 3999},
    {2, 200084117, "Snacks", 1,
     "Dried Fruit|Mixed Nuts|Candy|Chocolate|Spices",
     "Natural|Healthy|500g|Gift|Sweet|Organic",
     199, 2999},
    // --- Weddings & Events
    {200000875, 200084118, "Wedding & Evening Dresses", 2,
     "Wedding Dress|Bridesmaid Dress|Evening Dress|Prom Dress|Bridal Veil",
     "Elegant|Lace|A Line|Mermaid|Off Shoulder|Long|Satin|Custom Made",
     2999, 29999},
    // --- Smart Home
    {200216607, 200084119, "Smart Home Devices", 4,
     "Smart Plug|Smart Switch|Smart Bulb|Smart Speaker|Zigbee Hub|Smart Sensor|IR Remote",
     "Tuya|WiFi|Zigbee 3.0|Alexa Google Home|App Control|Voice Control|Timer|Energy Monitor|"
     "Matter",
     299, 7999},
    // --- Musical Instruments
    {200003655, 200084120, "Instruments", 2,
     "Acoustic Guitar|Electric Guitar|Ukulele|Guitar Strings|Guitar Capo|Kalimba|Harmonica",
     "Beginner|41 inch|Professional|17 Keys|Mahogany|Set|with Bag",
     199, 19999},
    {200003655, 200084121, "Audio Equipment", 3,
     "USB Microphone|Condenser Microphone|Sound Card|Audio Interface|Studio Headphones|"
     "Pop Filter|Microphone Stand",
     "USB|XLR|Type C|for PC Phone|Podcast|Recording|Live Streaming|RGB|Cardioid|Plug and Play",
     299, 14999},
    // --- Arts, Crafts & Sewing
    {200000816, 200084122, "Painting & Drawing", 3,
     "Acrylic Paint Set|Watercolor Set|Paint Brushes|Diamond Painting Kit|Canvas|"
     "Colored Pencils",
     "for Artists|Beginners|24 Colors|48 Colors|Professional|DIY|Full Drill|Art Supplies",
     99, 4999},
    {200000816, 200084123, "Sewing & DIY", 2,
     "Mini Sewing Machine|Embroidery Kit|Knitting Yarn|Crochet Hook Set|Cotton Fabric|"
     "Jewelry Making Beads",
     "DIY|Handmade|Beginner|Portable|Set|Soft|Craft Supplies",
     99, 9999},
    // --- Garden Supplies
    {125, 200084124, "Garden Tools & Plants", 3,
     "Garden Hose|Plant Pot|Flower Seeds|LED Grow Light|Garden Gloves|Pruning Shears|"
     "Sprinkler|Solar Garden Light",
     "Outdoor|Expandable|Full Spectrum|Waterproof|Ceramic|Self Watering|Heavy Duty|Garden",
     99, 5999},
    // --- Party Supplies
    {200000345, 200084125, "Party Decorations", 2,
     "Balloons|Birthday Decorations|Party Banner|Cake Topper|Confetti|Balloon Arch Kit",
     "Happy Birthday|Wedding|Baby Shower|Gold|Latex|Foil|Set|Party Supplies",
     99, 2999},
};

constexpr std::array<std::string_view, 44> kBrands{{
    "Orvix",   "Lumexa",  "ZENTRIX", "Novaro",  "Kivora",  "Tavlex",  "Qelvo",  "Haxton",
    "Mirevo",  "Voltera", "BRISKO",  "Yunkai",  "Zhiyou",  "Lanzo",   "Ferrio", "Cubexa",
    "Tronik",  "Ovela",   "Hiyoo",   "JOVIX",   "Moxina",  "Nebulo",  "Pixora", "Quorra",
    "Rexlis",  "Senvo",   "TEKVO",   "Ultrix",  "Vexor",   "Wavmo",   "Xinlo",  "Yovee",
    "Zorvex",  "Aukeo",   "Bovia",   "Cemio",   "DAXIN",   "Elvoro",  "Fonken", "Gorsun",
    "Huaxin",  "Inlexi",  "KASOTA",  "Lovoda",
}};

constexpr std::array<std::string_view, 12> kPrefixes{{
    "2024 New", "2025 New", "Original", "Upgraded", "Hot Sale", "Mini", "Portable", "Newest",
    "Global Version", "Premium", "Genuine", "Factory Price",
}};

constexpr std::array<std::string_view, 10> kTails{{
    "Free Shipping", "Dropshipping", "High Quality", "Gift", "Best Seller", "Wholesale",
    "Fast Delivery", "In Stock", "Christmas Gift", "Hot",
}};

constexpr std::array<std::string_view, 36> kShopWords{{
    "Digital", "Tech",    "Home",    "Global", "Fashion", "Trend",   "Smart",  "Happy",
    "Lucky",   "Sunny",   "Dream",   "Star",   "Best",    "Top",     "Life",   "Direct",
    "Factory", "World",   "Zone",    "Outlet", "Mall",    "Select",  "Choice", "Premium",
    "Easy",    "Golden",  "Blue",    "Ocean",  "Maple",   "Crystal", "Urban",  "Daily",
    "Shine",   "Harbor",  "Summit",  "Vivid",
}};

}  // namespace

std::span<const TopCategorySpec> top_categories() { return kTop; }
std::span<const SubcategorySpec> subcategories() { return kSub; }
std::span<const std::string_view> brand_words() { return kBrands; }
std::span<const std::string_view> title_prefixes() { return kPrefixes; }
std::span<const std::string_view> title_tails() { return kTails; }
std::span<const std::string_view> shop_words() { return kShopWords; }

}  // namespace scout::sim::data
