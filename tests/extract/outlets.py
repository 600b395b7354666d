"""Short articles written for the extraction tests as other outlets write: wire copy, a city
paper, a round-up, each holding the constructions of issue 13 (split and partial quotes, the
writer's own facts around reported speech, speakers that are easy to get wrong)."""

WIRE = (
    "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.\n\n"
    "“We have cut what could be cut,” Mayor Dana Whitfield told reporters at city hall. "
    "“The rest keeps the schools open.”\n\n"
    "“Nobody in this building wanted these cuts,” she said. “But the alternative was closing two libraries.”\n\n"
    "“We will publish every line of the budget online.\n\n"
    "“Residents will see where each dollar goes,” Whitfield added.\n\n"
    "Omar Reyes, the council’s treasurer, said on Monday: “We are out of reserves.”"
)

PARTIAL = (
    "The transport minister said the rail plan was “a historic mistake” that would cost thousands of jobs.\n\n"
    "Critics have long accused the “dishonest media” of ignoring rural lines.\n\n"
    "Whitfield, who appeared on the reality show “City Hall Tonight” last year, did not comment.\n\n"
    "Supporters of “Crooked Dana” packed the hall on Thursday evening.\n\n"
    "Reyes warned the cuts would fall on “the people who can least afford them. Pensioners, students "
    "and the sick will pay first,” and left the chamber."
)

FACTS = (
    "Maria Lopez, a spokeswoman for Harbor Freight Lines, answered questions for an hour.\n\n"
    "The agency, which processed more than 40,000 visa requests last year, said it would double its staff.\n\n"
    "After the ministry cut the budget by a third, analysts feared the reform would stall before the election.\n\n"
    "She said the firm hired 200 people and has opened a second office since March.\n\n"
    "The ministry blamed foreign hackers for the outage.\n\n"
    "The minister, who supported the reforms, was dismissed on Monday."
)

SPEAKERS = (
    "Mayor Dana Whitfield said the plan “will pay for itself,” while councillor Omar Reyes warned that "
    "“the upkeep alone will sink us” and said maintenance would cost $2 million a year.\n\n"
    "Rep. Jane Doe II (D-Mo.) said the bill would fail in the Senate.\n\n"
    "Councillor Jane Roe said the vote was rigged by the majority. Later, Jane Roe said she would appeal "
    "the ruling in court.\n\n"
    "Senator Paul Okafor, who chairs the finance committee, shouted that the vote was a sham.\n\n"
    "Okafor spoke for twenty minutes, adding, “We will appeal this ruling.”\n\n"
    "“Please vote for the library,” Whitfield implored the crowd.\n\n"
    "“It is over,” Reyes blurted.\n\n"
    "“Read the fine print before you sign,” the report advises.\n\n"
    "As Okafor has written, “the numbers never added up.”\n\n"
    "“They are thrilled with the result,” Roe gushed.\n\n"
    "“That was a mistake,” Whitfield said, referring to the 2019 budget.\n\n"
    "Governor Said “We Will Not Cut Schools”\n\n"
    "The deficit will reach $40 million, up from the first estimate of $25 million, the treasurer said.\n\n"
    "Whitfield criticized the vote, calling the plan “reckless and cruel.”\n\n"
    "Okafor defended his remarks and said the vote was fair."
)

ROUNDUP = (
    "What the papers say about the budget vote.\n\n"
    "Jane Roe, The Daily Ledger: “The council has lost its way on spending.”\n\n"
    "Paul Okafor, Riverside Times: “A budget that closes no school deserves a hearing.”"
)

ARTICLES = [WIRE, PARTIAL, FACTS, SPEAKERS, ROUNDUP]
