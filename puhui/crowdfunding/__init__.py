"""Crowdfunding: donation, reward, debt and equity campaigns on the platform's ledger.

A campaign's money lives on the ledger, never in its rows. Each pledge is a linked chain of
pending transfers: the backer's wallet to the campaign's escrow at the custodian; when the
campaign has a maximum, the same amount out of its *capacity* account (holding exactly the
maximum, never overdrawn); and when the pledge takes a limited reward, its units out of the
tier's *stock* account (holding exactly the units offered). So the database itself refuses a
pledge that would oversubscribe the campaign or oversell a tier, however many race for the
last unit. At the deadline a campaign that raised its goal (or any amount, when it keeps what
it raised) posts every pledge, takes the rulebook's fee and pays the issuer; one that missed
voids every pledge, and the backers' money is back in their wallets at once.

Which kinds a jurisdiction allows, to whom, the windows and limits are the rulebook's
``[crowdfunding]`` section; no number of any jurisdiction is written here.
"""
